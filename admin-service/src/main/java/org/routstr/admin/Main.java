package org.routstr.admin;

import java.lang.System.Logger.Level;
import java.util.Optional;

import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.http.HttpRouting;

import com.zaxxer.hikari.HikariDataSource;

import org.routstr.common.db.Db;
import org.routstr.common.db.DbSettings;
import org.routstr.common.db.Migrations;
import org.routstr.common.server.RunningService;
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
        RunningService service = start(Config.create());
        Runtime.getRuntime().addShutdownHook(new Thread(service::stop, "admin-shutdown"));
        LOG.log(Level.INFO, "admin-service listening on port " + service.port());
    }

    /** Wires and starts the service from a configuration root; the launcher and tests call this too. */
    public static RunningService start(Config config) {
        RunningService service = new RunningService("admin-service");
        HikariDataSource ds = service.onStop(Db.pool(DbSettings.from(config.get("db")), "admin"));
        Migrations.apply(config.get("db"), ds);
        return service.server(Servers.start(config.get("server"), Optional.of(ds), Main::routing));
    }

    static void routing(HttpRouting.Builder routing) {
        // the service's routes arrive with its feature packages
    }
}
