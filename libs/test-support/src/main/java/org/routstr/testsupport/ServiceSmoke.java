package org.routstr.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

import org.routstr.common.kafka.KafkaSettings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Configuration for a service under test (loopback, any free port, the test database and broker) and the check that it
 * serves health and metrics.
 */
public final class ServiceSmoke {
    private ServiceSmoke() {
    }

    /** A configuration root pointing a service at the test infrastructure; {@code extra} keys win. */
    public static Config config(TestDb db, KafkaSettings kafka, Map<String, String> extra) {
        Map<String, String> m = new HashMap<>();
        m.put("server.host", "127.0.0.1");
        m.put("server.port", "0");
        m.put("server.internal-port", "0");
        m.put("db.url", db.settings().url());
        m.put("db.user", db.settings().user());
        m.put("db.password", db.settings().password());
        m.put("db.pool-size", "8");
        m.put("kafka.bootstrap-servers", kafka.bootstrapServers());
        m.putAll(extra);
        return Config.just(ConfigSources.create(m));
    }

    /** {@link #config(TestDb, KafkaSettings, Map)} without extra keys. */
    public static Config config(TestDb db, KafkaSettings kafka) {
        return config(db, kafka, Map.of());
    }

    /**
     * Asserts that detailed {@code /health}, {@code /health/ready} and {@code /metrics} answer on the internal port, and
     * that the public port has only the bare liveness and readiness (no metrics, no check details).
     */
    public static void assertHealthAndMetrics(int publicPort, int internalPort) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> health = get(http, internalPort, "/health");
            assertEquals(200, health.statusCode(), health.body());
            assertTrue(health.body().contains("\"status\":\"UP\""), health.body());
            HttpResponse<String> ready = get(http, internalPort, "/health/ready");
            assertEquals(200, ready.statusCode(), ready.body());
            assertTrue(ready.body().contains("database"), "readiness checks the database: " + ready.body());
            HttpResponse<String> metrics = get(http, internalPort, "/metrics");
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.body().contains("# TYPE"), "Prometheus text format");
            HttpResponse<String> bare = get(http, publicPort, "/health/ready");
            assertEquals("{\"status\":\"UP\"}", bare.body());
            assertEquals(404, get(http, publicPort, "/metrics").statusCode(), "no metrics on the public port");
        }
    }

    private static HttpResponse<String> get(HttpClient http, int port, String path) {
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("Accept", path.equals("/metrics") ? "text/plain" : "application/json").build();
            return http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("GET " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
