package org.routstr.admin;

import java.lang.System.Logger.Level;
import java.util.Optional;

import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;

import com.zaxxer.hikari.HikariDataSource;

import org.routstr.common.db.Db;
import org.routstr.common.db.DbSettings;
import org.routstr.common.server.Servers;

/**
 * Starts the admin-service: configuration, database, then the web server with health and metrics.
 */
public final class Main {
    private static final System.Logger LOG = System.getLogger(Main.class.getName());

    private Main() {
    }

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        WebServer server = start(Config.create());
        LOG.log(Level.INFO, "admin-service listening on port " + server.port());
    }

    /** Wires and starts the service from a configuration root; the launcher and tests call this too. */
    public static WebServer start(Config config) {
        HikariDataSource ds = Db.pool(DbSettings.from(config.get("db")), "admin");
        Db.migrate(ds);
        WebServer server = Servers.start(config.get("server"), Optional.of(ds), Main::routing);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop();
            ds.close();
        }));
        return server;
    }

    static void routing(HttpRouting.Builder routing) {
        // the service's routes arrive with its feature packages
    }
}
