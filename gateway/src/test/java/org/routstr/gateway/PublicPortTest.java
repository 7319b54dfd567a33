package org.routstr.gateway;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.routstr.common.json.Json;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.testsupport.RealInfra;
import org.routstr.testsupport.TestDb;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/** What the public port exposes and accepts (issue 12): request ids, the front door's headers, 413, metrics and health. */
@RealInfra
class PublicPortTest {
    private static GatewayFixture f;
    private static HttpServer wallet;
    private static final Map<String, String> seen = new ConcurrentHashMap<>();

    @BeforeAll
    static void start(TestDb db, KafkaSettings k) throws Exception {
        wallet = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        wallet.createContext("/", ex -> {
            seen.clear();
            ex.getRequestHeaders().forEach((n, v) -> seen.put(n.toLowerCase(Locale.ROOT), v.getFirst()));
            ex.getRequestBody().readAllBytes();
            byte[] b = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("content-type", "application/json");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        wallet.start();
        f = new GatewayFixture(db, k, Map.of("server.max-payload-size", "4096",
                                             "gateway.routes.wallet", "http://127.0.0.1:" + wallet.getAddress().getPort()));
    }

    @AfterAll
    static void stop() {
        f.close();
        wallet.stop(0);
    }

    @Test
    void aClientRequestIdIsNotTakenAsTheRequestId() throws Exception {
        String mine = UUID.randomUUID().toString();
        HttpResponse<String> r = f.http.send(HttpRequest.newBuilder(URI.create(f.url() + "/v1/models"))
                .header("x-routstr-request-id", mine).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode(), is(200));
        String id = r.headers().firstValue("x-routstr-request-id").orElseThrow();
        assertThat(id, not(is(mine)));
        UUID.fromString(id);
        assertThat(r.headers().firstValue("x-routstr-client-request-id").orElseThrow(), is(mine));
    }

    @Test
    void theFrontDoorPassesTheDocumentedHeadersAndNeverAnInternalOne() throws Exception {
        String mine = UUID.randomUUID().toString();
        HttpResponse<String> r = f.http.send(HttpRequest.newBuilder(URI.create(f.url() + "/v1/wallet/refund"))
                .header("authorization", "Bearer sk-x").header("x-cashu", "cashuBxyz")
                .header("refund-lnurl", "user@example.com").header("key-expiry-time", "1900000000")
                .header("content-type", "application/json")
                .header("x-routstr-internal", "forged-internal-token-0123456789")
                .header("x-routstr-request-id", mine).header("x-routstr-anything", "1").header("x-forwarded-for", "10.0.0.1")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.body(), r.statusCode(), is(200));
        assertThat(seen.toString(), seen.get("refund-lnurl"), is("user@example.com"));
        assertThat(seen.get("key-expiry-time"), is("1900000000"));
        assertThat(seen.get("authorization"), is("Bearer sk-x"));
        assertThat(seen.get("x-cashu"), is("cashuBxyz"));
        assertThat(seen.toString(), seen.containsKey("x-routstr-internal"), is(false));
        assertThat(seen.toString(), seen.containsKey("x-routstr-anything"), is(false));
        // the gateway states the peer it saw (admin's per-address lockout); a client's own X-Forwarded-For never passes
        assertThat(seen.toString(), seen.get("x-forwarded-for"), is("127.0.0.1"));
        assertThat(seen.get("x-routstr-request-id"), is(r.headers().firstValue("x-routstr-request-id").orElseThrow()));
        assertThat(seen.get("x-routstr-request-id"), not(is(mine)));
    }

    @Test
    void aBodyOverTheServerLimitIsAnsweredWithTheEnvelope() throws Exception {
        HttpResponse<String> r = f.post("/v1/chat/completions", "sk-x", "{\"pad\":\"" + "a".repeat(20_000) + "\"}");
        assertThat(r.statusCode(), is(413));
        JsonNode b = Json.mapper().readTree(r.body());
        assertThat(r.body(), b.at("/error/code").asText(), is("request_too_large"));
        assertThat(r.headers().firstValue("content-type").orElse(""), containsString("application/json"));
    }

    @Test
    void metricsAndDetailedHealthAreOnlyOnTheInternalSocket() throws Exception {
        assertThat(f.get("/metrics").statusCode(), is(404));
        HttpResponse<String> health = f.get("/health");
        assertThat(health.statusCode(), is(200));
        assertThat(health.body(), not(containsString("database")));
        HttpResponse<String> ready = f.get("/health/ready");
        assertThat(ready.statusCode(), is(200));
        assertThat(ready.body(), not(containsString("database")));
        assertThat(f.get("/health/live").statusCode(), is(200));
        int internal = f.gateway.internalPort();
        HttpResponse<String> m = f.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + internal + "/metrics"))
                .header("accept", "text/plain").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(m.statusCode(), is(200));
        assertThat(m.body(), containsString("# TYPE"));
        HttpResponse<String> detail = f.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + internal + "/health"))
                .header("accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(detail.body(), containsString("database"));
    }
}
