package org.routstr.common.server;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import javax.sql.DataSource;

import io.helidon.config.Config;
import io.helidon.health.HealthCheck;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;

import org.routstr.common.http.EnvelopeDirectHandler;
import org.routstr.common.http.ErrorHandlers;

/**
 * Starts a service's web server the same way everywhere: its {@code server} config node, the error envelope (also for
 * errors the server answers itself, such as 413), bare liveness and readiness, then the service's own routes. Metrics
 * and detailed health are served only on the internal socket ({@code server.internal-host}, default {@code 127.0.0.1},
 * and {@code server.internal-port}, default any free port), never on the public one.
 */
public final class Servers {
    /** The name of the internal socket. */
    public static final String INTERNAL = "internal";

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
        DirectHandlers envelope = EnvelopeDirectHandler.all();
        String host = server.get("internal-host").asString().orElse("127.0.0.1");
        int port = server.get("internal-port").asInt().orElse(0);
        WebServer started = WebServer.builder()
                .config(server)
                .directHandlers(envelope)
                .putSocket(INTERNAL, s -> s.host(host).port(port).directHandlers(envelope)
                        .maxPayloadSize(server.get("max-payload-size").asLong().orElse(26_214_400L)))
                .addFeature(Observability.feature(db, checks, INTERNAL))
                .routing(r -> {
                    ErrorHandlers.register(r);
                    Observability.bareHealth(r, db);
                    routes.accept(r);
                })
                .build()
                .start();
        // Helidon logs a socket it cannot bind and returns a stopped server: a start that does not listen must fail
        if (!started.isRunning()) {
            throw new IllegalStateException("cannot listen on " + server.get("host").asString().orElse("0.0.0.0") + ":"
                                            + server.get("port").asInt().orElse(0) + " or the internal socket (port in use?)");
        }
        return started;
    }
}
