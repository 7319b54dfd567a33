package org.routstr.gateway.proxy;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.routstr.common.json.Json;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.gateway.GatewayFixture;
import org.routstr.testsupport.RealInfra;
import org.routstr.testsupport.TestDb;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * Issue 20's pricing: an upstream's own USD cost ({@code usage.cost}, OpenRouter) when the operator enables it, speech
 * priced per input character, and a configured provider's other paths (custom endpoints) proxied and priced per request.
 */
@RealInfra
class UpstreamPricingTest {
    private static WebServer upstream;
    private static GatewayFixture f;

    @BeforeAll
    static void start(TestDb db, KafkaSettings kafka) {
        upstream = WebServer.builder().host("127.0.0.1").port(0).routing(r -> r
                .post("/v1/chat/completions", (req, res) -> res.header(HeaderNames.CONTENT_TYPE, "application/json").send(
                        ("{\"id\":\"c1\",\"object\":\"chat.completion\",\"model\":\"or-upstream\",\"choices\":[{\"index\":0,"
                         + "\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":\"stop\"}],"
                         + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15,\"cost\":0.002}}")
                                .getBytes(StandardCharsets.UTF_8)))
                .post("/v1/audio/speech", (req, res) -> res.header(HeaderNames.CONTENT_TYPE, "audio/mpeg")
                        .send(new byte[] {1, 2, 3, 4}))
                .post("/v1/rerank", (req, res) -> res.header(HeaderNames.CONTENT_TYPE, "application/json")
                        .send("{\"results\":[{\"index\":0,\"relevance_score\":0.9}]}".getBytes(StandardCharsets.UTF_8))))
                .build().start();
        Map<String, String> m = new HashMap<>();
        String p = "gateway.providers.3.";
        m.put(p + "slug", "openrouter");
        m.put(p + "base-url", "http://127.0.0.1:" + upstream.port() + "/v1");
        m.put(p + "api-key", "sk-or-upstream-secret");
        m.put(p + "models.0.id", "or-model");
        m.put(p + "models.0.upstream-id", "or-upstream");
        m.put(p + "models.0.input-usd-per-m", "30");
        m.put(p + "models.0.output-usd-per-m", "60");
        m.put(p + "models.0.max-completion-tokens", "100");
        m.put(p + "models.1.id", "tts-char");
        m.put(p + "models.1.input-usd-per-m", "0");
        m.put(p + "models.2.id", "rerank-model");
        m.put(p + "models.2.request-usd", "0.001");
        m.put("gateway.pricing.upstream-cost", "true");
        m.put("gateway.pricing.speech-usd-per-m-chars.0.model", "tts-char");
        m.put("gateway.pricing.speech-usd-per-m-chars.0.usd", "15");
        f = new GatewayFixture(db, kafka, m);
    }

    @AfterAll
    static void stop() {
        f.close();
        upstream.stop();
    }

    @Test
    void theUpstreamsOwnUsdCostPricesTheRequestWhenEnabled() throws Exception {
        String key = f.fundedKey(100_000_000);
        HttpResponse<String> r = f.post("/v1/chat/completions", key,
                "{\"model\":\"or-model\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.body(), r.statusCode(), is(200));
        // 0.002 USD × fees, not the token prices (10 × 30/M + 5 × 60/M = 0.0006 USD)
        long expected = GatewayFixture.msat(2_000, "1");
        assertThat(r.headers().firstValue("x-routstr-cost-msats").orElseThrow(), is(Long.toString(expected)));
        JsonNode cost = Json.mapper().readTree(r.body()).at("/usage/cost");
        assertThat(cost.path("total_msats").asLong(), is(expected));
        assertThat(cost.path("pricing").asText(), is("upstream_cost"));
    }

    @Test
    void speechIsPricedPerInputCharacter() throws Exception {
        String key = f.fundedKey(100_000_000);
        HttpResponse<String> r = f.post("/v1/audio/speech", key, "{\"model\":\"tts-char\",\"input\":\"hello world\",\"voice\":\"alloy\"}");
        assertThat(r.body(), r.statusCode(), is(200));
        assertThat(r.headers().firstValue("x-routstr-cost-msats").orElseThrow(), is(Long.toString(GatewayFixture.msat(11, "15"))));
        HttpResponse<String> longer = f.post("/v1/audio/speech", key,
                "{\"model\":\"tts-char\",\"input\":\"" + "é".repeat(1_000) + "\",\"voice\":\"alloy\"}");
        assertThat(longer.headers().firstValue("x-routstr-cost-msats").orElseThrow(),
                is(Long.toString(GatewayFixture.msat(1_000, "15"))));
    }

    @Test
    void aProvidersOtherPathsAreProxiedAndPricedPerRequest() throws Exception {
        String key = f.fundedKey(100_000_000);
        HttpResponse<String> r = f.post("/v1/rerank", key, "{\"model\":\"rerank-model\",\"query\":\"q\",\"documents\":[\"a\"]}");
        assertThat(r.body(), r.statusCode(), is(200));
        assertThat(Json.mapper().readTree(r.body()).at("/results/0/index").asInt(), is(0));
        assertThat(r.headers().firstValue("x-routstr-cost-msats").orElseThrow(), is(Long.toString(GatewayFixture.msat(1_000, "1"))));
        assertThat("paid like every endpoint", f.post("/v1/rerank", null, "{\"model\":\"rerank-model\"}").statusCode(), is(401));
        assertThat(f.post("/v1/rerank", key, "{\"model\":\"nope\"}").statusCode(), is(400));
        assertThat("the wallet routes still win", f.post("/v1/balance/nothing", key, "{}").statusCode(), is(503));
    }
}
