package org.routstr.common.server;

import java.sql.Connection;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;

/**
 * Health at {@code /health} (with {@code /health/live} and {@code /health/ready}) and Prometheus metrics at
 * {@code /metrics}, the same on every service.
 */
public final class Observability {
    private Observability() {
    }

    /** The observe feature; readiness includes a database round trip when a pool is given. */
    public static ObserveFeature feature(Optional<DataSource> db) {
        return feature(db, List.of());
    }

    /** The observe feature with a service's own checks added (for example discovery's Nostr key state). */
    public static ObserveFeature feature(Optional<DataSource> db, List<HealthCheck> checks) {
        var health = HealthObserver.builder().endpoint("health").details(true);
        checks.forEach(health::addCheck);
        db.ifPresent(ds -> health.addCheck(() -> dbCheck(ds), HealthCheckType.READINESS, "database"));
        return ObserveFeature.builder()
                .endpoint("/")
                .addObserver(health.build())
                .addObserver(MetricsObserver.builder().endpoint("metrics").build())
                .build();
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
