package org.routstr.common.server;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import javax.sql.DataSource;

import io.helidon.config.Config;
import io.helidon.health.HealthCheck;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;

import org.routstr.common.http.ErrorHandlers;

/**
 * Starts a service's web server the same way everywhere: its {@code server} config node, health and metrics, the error
 * envelope, then the service's own routes.
 */
public final class Servers {
    private Servers() {
    }

    /** Builds and starts the server; {@code routes} adds the service's routes after the error handlers. */
    public static WebServer start(Config server, Optional<DataSource> db, Consumer<HttpRouting.Builder> routes) {
        return start(server, db, List.of(), routes);
    }

    /**
     * As {@link #start(Config, Optional, Consumer)}, with the service's own health checks. One at a time per JVM: Helidon's
     * metrics (the KPI meters every server registers in the one global registry) threw a ConcurrentModificationException
     * when the node started four servers at once.
     */
    public static synchronized WebServer start(Config server, Optional<DataSource> db, List<HealthCheck> checks,
                                               Consumer<HttpRouting.Builder> routes) {
        return WebServer.builder()
                .config(server)
                .addFeature(Observability.feature(db, checks))
                .routing(r -> {
                    ErrorHandlers.register(r);
                    routes.accept(r);
                })
                .build()
                .start();
    }
}
