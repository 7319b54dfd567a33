package org.routstr.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;

import org.routstr.common.json.Json;

/**
 * Client-side spreading over the gateways: each call goes to the next gateway in turn, and to the one after when a
 * gateway refuses the connection (it is down); anything after the connection is the answer, whatever it is.
 */
final class Client {
    record Res(int status, String body, java.net.http.HttpHeaders headers) {
        JsonNode json() {
            try {
                return Json.mapper().readTree(body);
            } catch (IOException e) {
                return Json.object();
            }
        }
    }

    private final List<ServiceProcess> gateways;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final AtomicInteger next = new AtomicInteger();

    Client(List<ServiceProcess> gateways) {
        this.gateways = gateways;
    }

    Res post(String path, String bearer, String body, String... headers) throws IOException {
        return send(path, b -> b.POST(HttpRequest.BodyPublishers.ofString(body)), bearer, headers);
    }

    Res get(String path, String bearer) throws IOException {
        return send(path, HttpRequest.Builder::GET, bearer);
    }

    /** Posts a stream request and reads {@code maxLines} lines of it (all when negative), then closes the connection. */
    Res stream(String path, String bearer, String body, int maxLines, String... headers) throws IOException {
        int start = next.getAndIncrement();
        IOException last = null;
        for (int i = 0; i < gateways.size(); i++) {
            ServiceProcess g = gateways.get(Math.floorMod(start + i, gateways.size()));
            try {
                HttpResponse<InputStream> r = http.send(request(g, path, bearer, headers)
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
                StringBuilder text = new StringBuilder();
                try (InputStream in = r.body()) {
                    var reader = new java.io.BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
                    String line;
                    int n = 0;
                    while ((maxLines < 0 || n < maxLines) && (line = reader.readLine()) != null) {
                        text.append(line).append('\n');
                        n++;
                    }
                }
                return new Res(r.statusCode(), text.toString(), r.headers());
            } catch (ConnectException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        throw last;
    }

    private Res send(String path, java.util.function.UnaryOperator<HttpRequest.Builder> method, String bearer, String... headers)
            throws IOException {
        int start = next.getAndIncrement();
        IOException last = null;
        for (int i = 0; i < gateways.size(); i++) {
            ServiceProcess g = gateways.get(Math.floorMod(start + i, gateways.size()));
            try {
                HttpResponse<String> r = http.send(method.apply(request(g, path, bearer, headers)).build(),
                                                   HttpResponse.BodyHandlers.ofString());
                return new Res(r.statusCode(), r.body(), r.headers());
            } catch (ConnectException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        throw last;
    }

    private static HttpRequest.Builder request(ServiceProcess g, String path, String bearer, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(g.url() + path)).timeout(Duration.ofSeconds(40))
                .header("content-type", "application/json");
        if (bearer != null) {
            b.header("authorization", "Bearer " + bearer);
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        return b;
    }
}
