package org.routstr.common.server;

import java.sql.Connection;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;

/**
 * On the internal socket: health with details at {@code /health} ({@code /health/live}, {@code /health/ready}) and
 * Prometheus metrics at {@code /metrics}, the same on every service. On the public port only the bare answers
 * ({@code {"status":"UP"}} or 503 {@code {"status":"DOWN"}}), with no check names or details.
 */
public final class Observability {
    private static final byte[] UP = "{\"status\":\"UP\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    private static final byte[] DOWN = "{\"status\":\"DOWN\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private Observability() {
    }

    /**
     * The observe feature on the named socket, with a service's own checks added (for example discovery's Nostr key state);
     * readiness includes a database round trip when a pool is given.
     */
    public static ObserveFeature feature(Optional<DataSource> db, List<HealthCheck> checks, String socket) {
        var health = HealthObserver.builder().endpoint("health").details(true);
        checks.forEach(health::addCheck);
        db.ifPresent(ds -> health.addCheck(() -> dbCheck(ds), HealthCheckType.READINESS, "database"));
        return ObserveFeature.builder()
                .endpoint("/")
                .sockets(List.of(socket))
                .addObserver(health.build())
                .addObserver(MetricsObserver.builder().endpoint("metrics").build())
                .build();
    }

    /** Bare liveness and readiness for the public port. */
    public static void bareHealth(HttpRouting.Builder r, Optional<DataSource> db) {
        r.get("/health/live", (req, res) -> send(res, true))
                .get("/health/ready", (req, res) -> send(res, ready(db)))
                .get("/health", (req, res) -> send(res, ready(db)));
    }

    private static boolean ready(Optional<DataSource> db) {
        return db.map(ds -> dbCheck(ds).status() == HealthCheckResponse.Status.UP).orElse(true);
    }

    private static void send(ServerResponse res, boolean up) {
        res.status(up ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503).header(HeaderValues.CONTENT_TYPE_JSON).send(up ? UP : DOWN);
    }

    private static HealthCheckResponse dbCheck(DataSource ds) {
        try (Connection c = ds.getConnection()) {
            boolean ok = c.isValid(2);
            return HealthCheckResponse.builder().status(ok).build();
        } catch (java.sql.SQLException | RuntimeException e) {
            // a down database is a readiness state, not an error to propagate
            return HealthCheckResponse.builder().status(false).detail("error", e.getClass().getSimpleName()).build();
        }
    }
}
