package org.routstr.gateway.cors;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.routstr.common.events.UsageEvent;
import org.routstr.common.json.Json;
import org.routstr.common.keys.ApiKeys;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.gateway.GatewayFixture;
import org.routstr.gateway.NodeScripts;
import org.routstr.gateway.UsageEvents;
import org.routstr.ledger.NewAccount;
import org.routstr.testsupport.RealInfra;
import org.routstr.testsupport.TestDb;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

/**
 * X-Cashu change on non-JSON, non-SSE answers (text to speech) and on /v1/messages, /v1/audio/speech priced per request,
 * and CORS: a preflight without credentials, exposed payment and cost headers. The wallet-service is a stand-in on a local
 * socket that credits real ledger accounts and answers change with a recognisable token.
 */
@RealInfra
class BrowserAndRawTest {
    private static final String SECRET = "internal-secret-wire";
    private static WebServer wallet;
    private static GatewayFixture f;
    private static KafkaSettings broker;

    @BeforeAll
    static void start(TestDb db, KafkaSettings kafka) {
        broker = kafka;
        wallet = WebServer.builder().host("127.0.0.1").port(0)
                .routing(r -> r.post("/internal/x-cashu/redeem", BrowserAndRawTest::redeem)
                        .post("/internal/redeem", BrowserAndRawTest::redeem)
                        .post("/internal/x-cashu/change", (req, res) -> res.header(HeaderNames.CONTENT_TYPE, "application/json")
                                .send(Json.bytes(Map.of("token", "cashuBchange-for-"
                                        + Json.parse(req.content().as(byte[].class)).path("request_id").asText(), "amount_msat", 1000))))
                        .get("/page", (req, res) -> res.header(HeaderNames.CONTENT_TYPE, "text/html")
                                .send("<!doctype html><title>another origin</title>")))
                .build().start();
        f = new GatewayFixture(db, kafka, Map.of("internal.token", SECRET,
                                                 "gateway.routes.wallet", "http://127.0.0.1:" + wallet.port(),
                                                 "gateway.providers.0.models.5.id", "tts-1",
                                                 "gateway.providers.0.models.5.request-usd", "0.015"));
    }

    @AfterAll
    static void stop() {
        f.close();
        wallet.stop();
    }

    private static void redeem(ServerRequest req, ServerResponse res) {
        String hash = ApiKeys.hash(Json.parse(req.content().as(byte[].class)).path("token").asText());
        f.ledger.open(NewAccount.of(hash));
        f.ledger.credit(hash, 5_000_000, "redeem:" + hash, "test token");
        res.header(HeaderNames.CONTENT_TYPE, "application/json").send(Json.bytes(Map.of("key_hash", hash, "balance_msat", 5_000_000)));
    }

    private static final String SPEECH = "{\"model\":\"tts-1\",\"input\":\"hello there\",\"voice\":\"alloy\"}";

    @Test
    void speechIsPricedPerRequestAndItsXCashuChangeIsInTheHeaders() throws Exception {
        String key = f.fundedKey(10_000_000);
        HttpResponse<String> r = f.post("/v1/audio/speech", key, SPEECH);
        assertThat(r.statusCode(), is(200));
        assertThat(r.headers().firstValue("content-type").orElseThrow(), is("audio/mpeg"));
        assertThat(r.body(), is("ID3 stand-in speech: hello there"));
        long price = GatewayFixture.msat(1_000_000, "0.015");
        assertThat(r.headers().firstValue("x-routstr-cost-msats").orElseThrow(), is(String.valueOf(price)));
        List<UsageEvent> events = UsageEvents.of(broker, ApiKeys.hash(key), 1, Duration.ofSeconds(20));
        assertThat(events.getFirst().costMsat(), is(price));
        assertThat(events.getFirst().pricing(), is("per_request"));

        HttpResponse<String> paid = f.post("/v1/audio/speech", null, SPEECH, "X-Cashu", "cashuBspeech" + System.nanoTime());
        assertThat(paid.body(), paid.statusCode(), is(200));
        assertThat(paid.headers().firstValue("x-cashu").orElseThrow().startsWith("cashuBchange-for-"), is(true));
    }

    @Test
    void messagesPaidWithXCashuReturnChange() throws Exception {
        HttpResponse<String> r = f.post("/v1/messages", null, "{\"model\":\"standin-gpt\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                                        "X-Cashu", "cashuBmsg" + System.nanoTime());
        assertThat(r.body(), r.statusCode(), is(200));
        assertThat(r.headers().firstValue("x-cashu").orElseThrow().startsWith("cashuBchange-for-"), is(true));
        HttpResponse<String> s = f.post("/v1/messages", null, "{\"model\":\"standin-gpt\",\"max_tokens\":20,\"stream\":true,"
                                                              + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                                        "X-Cashu", "cashuBmsg" + System.nanoTime());
        assertThat(s.body(), containsString("\"x_cashu_change\":\"cashuBchange-for-"));
    }

    @Test
    void preflightNeedsNoAuthAndPaidAnswersExposeTheirHeaders() throws Exception {
        HttpResponse<String> pre = f.http.send(HttpRequest.newBuilder(URI.create(f.url() + "/v1/chat/completions"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://app.example")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, content-type, x-cashu").build(),
                                               HttpResponse.BodyHandlers.ofString());
        assertThat(pre.statusCode(), is(204));
        assertThat(pre.headers().firstValue("access-control-allow-origin").orElseThrow(), is("https://app.example"));
        assertThat(pre.headers().firstValue("access-control-allow-headers").orElseThrow(), containsString("x-cashu"));
        String key = f.fundedKey(10_000_000);
        HttpResponse<String> r = f.post("/v1/chat/completions", key, "{\"model\":\"standin-gpt\",\"messages\":[]}",
                                        "Origin", "https://app.example");
        assertThat(r.statusCode(), is(200));
        String exposed = r.headers().firstValue("access-control-expose-headers").orElseThrow();
        for (String h : List.of("x-cashu", "x-routstr-cost-msats", "x-routstr-request-id")) {
            assertThat(exposed, containsString(h));
        }
    }

    /** Headless Chromium (src/test/js/browser.mjs): a page on another origin pays with X-Cashu and reads change and cost. */
    @Test
    void aBrowserOnAnotherOriginReadsChangeAndCost() throws Exception {
        JsonNode seen = NodeScripts.run("browser.mjs", Map.of("PAGE_URL", "http://127.0.0.1:" + wallet.port() + "/page",
                                                              "GATEWAY_URL", f.url(), "TOKEN", "cashuBbrowser" + System.nanoTime()), 120);
        assertThat(seen.toString(), seen.path("status").asInt(), is(200));
        assertThat(seen.path("xCashu").asText().startsWith("cashuBchange-for-"), is(true));
        assertThat(seen.path("cost").asLong(), is(GatewayFixture.msat(1, "30") + GatewayFixture.msat(7, "60")));
        assertThat(seen.path("requestId").asText().isEmpty(), is(false));
    }
}
