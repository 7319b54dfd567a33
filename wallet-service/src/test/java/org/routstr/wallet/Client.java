package org.routstr.wallet;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;

import org.routstr.common.json.Json;

/**
 * A tiny JSON HTTP client for the wallet tests.
 */
final class Client {
    static final String INTERNAL = "test-internal-token-0123456789";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Client() {
    }

    record Res(int status, JsonNode body, HttpResponse<String> raw) {
        String text(String field) {
            return body.path(field).asText();
        }

        String code() {
            return body.path("error").path("code").asText();
        }
    }

    static Res post(int port, String path, Object body, String... headers) {
        return send(port, path, "POST", Json.string(body), headers);
    }

    static Res get(int port, String path, String... headers) {
        return send(port, path, "GET", null, headers);
    }

    static Res send(int port, String path, String method, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode n = r.body().isBlank() ? Json.object() : Json.parse(r.body().getBytes());
            return new Res(r.statusCode(), n, r);
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static String[] bearer(String key) {
        return new String[] {"Authorization", "Bearer " + key};
    }

    static String[] internal() {
        return new String[] {"X-Routstr-Internal", INTERNAL};
    }
}
