package org.routstr.discovery.providers;

import java.time.Duration;

import io.helidon.http.Status;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;

import com.fasterxml.jackson.databind.JsonNode;

import org.routstr.common.json.Json;

/**
 * Checks a provider as routstr-core does: {@code GET <endpoint>/v1/info}, else {@code /v1/models}, else {@code /}; the first
 * 2xx answer wins.
 */
final class HealthClient {
    private final WebClient client;

    HealthClient(Duration timeout) {
        this.client = WebClient.builder().connectTimeout(timeout).readTimeout(timeout).followRedirects(false).build();
    }

    Health check(String endpoint) {
        String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        int last = 0;
        for (String[] p : new String[][] {{"/v1/info", "info"}, {"/v1/models", "models"}, {"/", "root"}}) {
            try (HttpClientResponse res = client.get(base + p[0]).request()) {
                last = res.status().code();
                if (res.status().family() == Status.Family.SUCCESSFUL) {
                    return new Health(last, p[1], json(res.entity().as(byte[].class)));
                }
            } catch (RuntimeException e) {
                // unreachable, timed out or refused: try the next path, then report an error
                last = 0;
            }
        }
        return new Health(last, "error", null);
    }

    private static JsonNode json(byte[] body) {
        try {
            return Json.mapper().readTree(body);
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }
}
