package org.routstr.gateway.proxy;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.routstr.common.events.UsageEvent;
import org.routstr.common.json.Json;
import org.routstr.common.keys.ApiKeys;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.gateway.GatewayFixture;
import org.routstr.gateway.UsageEvents;
import org.routstr.standin.Mode;
import org.routstr.testsupport.RealInfra;
import org.routstr.testsupport.TestDb;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;

@RealInfra
class ProxyTest {
    private static GatewayFixture f;
    private static KafkaSettings kafka;

    @BeforeAll
    static void start(TestDb db, KafkaSettings k) {
        kafka = k;
        f = new GatewayFixture(db, k, Map.of("gateway.max-request-bytes", "65536", "gateway.rate-limit.per-key", "30",
                                                 "gateway.upstream-timeout", "PT1S"));
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    @Test
    void chargesUsageToTheMsatWithHeadersBodyAndEvent() throws Exception {
        String key = f.fundedKey(10_000_000);
        HttpResponse<String> r = f.post("/v1/chat/completions", key, """
                {"model":"gpt-alias","messages":[{"role":"user","content":"say hello to me"}]}""");
        assertThat(r.body(), r.statusCode(), is(200));
        JsonNode b = Json.mapper().readTree(r.body());
        assertThat(b.path("model").asText(), is("gpt-alias"));
        long prompt = b.at("/usage/prompt_tokens").asLong();
        long completion = b.at("/usage/completion_tokens").asLong();
        assertThat(prompt, is(4L));
        assertThat(completion, is(10L));
        long in = GatewayFixture.msat(prompt, "30");
        long out = GatewayFixture.msat(completion, "60");
        assertThat(b.at("/usage/cost/input_msats").asLong(), is(in));
        assertThat(b.at("/usage/cost/output_msats").asLong(), is(out));
        assertThat(b.at("/usage/cost/total_msats").asLong(), is(in + out));
        assertThat(r.headers().firstValue("x-routstr-cost-msats").orElseThrow(), is(String.valueOf(in + out)));
        assertThat(r.headers().firstValue("x-routstr-input-cost-msats").orElseThrow(), is(String.valueOf(in)));
        assertThat(r.headers().firstValue("x-routstr-output-cost-msats").orElseThrow(), is(String.valueOf(out)));
        assertThat(r.headers().firstValue("x-routstr-request-id").isPresent(), is(true));

        var seen = f.primary.lastRequest().orElseThrow();
        assertThat(seen.headers().get("authorization"), is("Bearer sk-upstream-primary-secret"));
        assertThat(new String(seen.body(), StandardCharsets.UTF_8), containsString("\"model\":\"standin-gpt\""));

        List<UsageEvent> events = UsageEvents.of(kafka, ApiKeys.hash(key), 1, Duration.ofSeconds(20));
        assertThat(events.size(), is(1));
        UsageEvent e = events.getFirst();
        assertThat(e.costMsat(), is(in + out));
        assertThat("the response's request id names the reservation the ledger settles", e.requestId(),
                   is(r.headers().firstValue("x-routstr-request-id").orElseThrow()));
        assertThat(e.pricing(), is("usage"));
        assertThat(e.provider(), is("primary"));
        assertThat(e.inputTokens(), is(4L));
        assertThat(e.outputTokens(), is(10L));
        assertThat(e.reservedMsat(), greaterThan(in + out));
    }

    @Test
    void seedExampleFeesGiveThePriceOfTheIssue() {
        // $30 per 1M with 1.005 and 1.10 is $33.17 per 1M: at $100,000 per BTC, 1M tokens cost 33,165,000 msat
        assertThat(GatewayFixture.msat(1_000_000, "30"), is(33_165_000L));
    }

    @Test
    void cachedTokensArePricedAtTheCacheRate() throws Exception {
        String key = f.fundedKey(10_000_000);
        HttpResponse<String> r = f.post("/chat/completions", key, """
                {"model":"standin-gpt","messages":[{"role":"user","content":"one two three four five"}]}""",
                                        "x-standin-cached-tokens", "3");
        JsonNode cost = Json.mapper().readTree(r.body()).at("/usage/cost");
        assertThat(cost.path("input_msats").asLong(), is(GatewayFixture.msat(2, "30")));
        assertThat(cost.path("cache_read_msats").asLong(), is(GatewayFixture.msat(3, "15")));
        assertThat(cost.path("cache_read_input_tokens").asLong(), is(3L));
    }

    @Test
    void streamPutsCostIntoTheLastChunkBeforeDone() throws Exception {
        String key = f.fundedKey(10_000_000);
        HttpResponse<String> r = f.post("/v1/chat/completions", key, """
                {"model":"standin-gpt","stream":true,"messages":[{"role":"user","content":"stream me"}]}""");
        assertThat(r.statusCode(), is(200));
        List<String> data = r.body().lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
        assertThat(data.getLast(), is("[DONE]"));
        JsonNode last = Json.mapper().readTree(data.get(data.size() - 2));
        long expected = GatewayFixture.msat(2, "30") + GatewayFixture.msat(8, "60");
        assertThat(last.at("/usage/cost/total_msats").asLong(), is(expected));
        assertThat(last.path("choices").size(), is(0));
        String sent = new String(f.primary.lastRequest().orElseThrow().body(), StandardCharsets.UTF_8);
        assertThat(sent, containsString("\"include_usage\":true"));
        assertThat(r.body(), containsString("OPENROUTER PROCESSING"));
    }

    @Test
    void firstByteReachesTheClientBeforeTheUpstreamFinishes() throws Exception {
        String key = f.fundedKey(10_000_000);
        HttpRequest req = HttpRequest.newBuilder(URI.create(f.url() + "/v1/chat/completions"))
                .header("authorization", "Bearer " + key).header("x-standin-mode", "slow").header("x-standin-delay-ms", "100")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"standin-gpt\",\"stream\":true,\"messages\":[]}")).build();
        long t0 = System.nanoTime();
        HttpResponse<InputStream> r = f.http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        long firstData = -1;
        try (BufferedReader rd = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            for (String line; (line = rd.readLine()) != null; ) {
                if (firstData < 0 && line.startsWith("data: {")) {
                    firstData = (System.nanoTime() - t0) / 1_000_000;
                }
            }
        }
        long total = (System.nanoTime() - t0) / 1_000_000;
        assertThat(total, greaterThan(1000L));
        assertThat(firstData, lessThan(500L));
    }

    @Test
    void clientDisconnectMidStreamIsStillBilledFromUpstreamUsage() throws Exception {
        String key = f.fundedKey(10_000_000);
        HttpRequest req = HttpRequest.newBuilder(URI.create(f.url() + "/v1/chat/completions"))
                .header("authorization", "Bearer " + key).header("x-standin-mode", "slow").header("x-standin-delay-ms", "50")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"standin-gpt\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"a b c\"}]}"))
                .build();
        HttpResponse<InputStream> r = f.http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader rd = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String line;
            do {
                line = rd.readLine();
            } while (line != null && !line.startsWith("data: {"));
        }
        List<UsageEvent> events = UsageEvents.of(kafka, ApiKeys.hash(key), 1, Duration.ofSeconds(20));
        assertThat(events.size(), is(1));
        assertThat(events.getFirst().pricing(), is("usage"));
        assertThat(events.getFirst().inputTokens(), is(3L));
        assertThat(events.getFirst().outputTokens(), is(9L));
        assertThat(events.getFirst().costMsat(), is(GatewayFixture.msat(3, "30") + GatewayFixture.msat(9, "60")));
    }

    @Test
    void failsOverOn5xxAndConnectErrors() throws Exception {
        String key = f.fundedKey(10_000_000);
        long before = f.backup.requests("/v1/chat/completions");
        f.primary.mode(Mode.FAIL500);
        try {
            HttpResponse<String> r = f.post("/v1/chat/completions", key, "{\"model\":\"standin-gpt\",\"messages\":[]}");
            assertThat(r.statusCode(), is(200));
        } finally {
            f.primary.mode(Mode.NORMAL);
        }
        assertThat(f.backup.requests("/v1/chat/completions"), is(before + 1));
        // standin-mini's first provider listens nowhere: the connection error moves on to the next
        HttpResponse<String> mini = f.post("/v1/chat/completions", key, "{\"model\":\"standin-mini\",\"messages\":[]}");
        assertThat(mini.body(), mini.statusCode(), is(200));
        List<UsageEvent> events = UsageEvents.of(kafka, ApiKeys.hash(key), 2, Duration.ofSeconds(20));
        assertThat(events.stream().map(UsageEvent::provider).toList(), is(List.of("backup", "primary")));
    }

    @Test
    void allUpstreamsLimitedGives429AndReleasesTheReservation() throws Exception {
        String key = f.fundedKey(10_000_000);
        HttpResponse<String> r = f.post("/v1/chat/completions", key, "{\"model\":\"standin-gpt\",\"messages\":[]}",
                                        "x-standin-mode", "fail429");
        assertThat(r.statusCode(), is(429));
        assertThat(r.headers().firstValue("retry-after").orElseThrow(), is("1"));
        assertThat(Json.mapper().readTree(r.body()).at("/error/code").asText(), is("UPSTREAM_RATE_LIMIT"));
        assertThat(f.available(key), is(10_000_000L));
        HttpResponse<String> down = f.post("/v1/chat/completions", key, "{\"model\":\"standin-gpt\",\"messages\":[]}",
                                           "x-standin-mode", "fail500");
        assertThat(down.statusCode(), is(502));
        assertThat(f.available(key), is(10_000_000L));
    }

    @Test
    void upstreamClientErrorsPassThroughAndCostNothing() throws Exception {
        String key = f.fundedKey(10_000_000);
        HttpResponse<String> r = f.post("/v1/chat/completions", key, "{\"model\":\"standin-gpt\",\"messages\":[]}",
                                        "x-standin-mode", "fail400");
        assertThat(r.statusCode(), is(400));
        assertThat(Json.mapper().readTree(r.body()).at("/error/code").asText(), is("unsupported_parameter"));
        assertThat(f.available(key), is(10_000_000L));
    }

    @Test
    void insufficientBalanceIs402WithTheReferenceCode() throws Exception {
        String key = f.fundedKey(10);
        HttpResponse<String> r = f.post("/v1/chat/completions", key, "{\"model\":\"standin-gpt\",\"messages\":[]}");
        assertThat(r.statusCode(), is(402));
        JsonNode b = Json.mapper().readTree(r.body());
        assertThat(b.at("/error/code").asText(), is("insufficient_balance"));
        assertThat(b.at("/error/type").asText(), is("insufficient_quota"));
        assertThat(b.at("/detail/available_msat").asLong(), is(10L));
        long required = b.at("/detail/amount_required_msat").asLong();
        String sats = required % 1000 == 0 ? required / 1000 + ".0"
                : java.math.BigDecimal.valueOf(required, 3).stripTrailingZeros().toPlainString();
        assertThat("the reference's message", b.at("/error/message").asText(), is("Insufficient balance: " + sats + " sats ("
                + required + " msats) required for this model; 0.01 sats (10 msats) available."));
    }

    @Test
    void authErrors() throws Exception {
        HttpResponse<String> none = f.post("/v1/chat/completions", null, "{\"model\":\"standin-gpt\",\"messages\":[]}");
        assertThat(none.statusCode(), is(401));
        assertThat(Json.mapper().readTree(none.body()).at("/error/code").asText(), is("missing_api_key"));
        String unknown = ApiKeys.newKey();
        HttpResponse<String> bad = f.post("/v1/chat/completions", unknown, "{\"model\":\"standin-gpt\",\"messages\":[]}");
        assertThat(bad.statusCode(), is(401));
        assertThat(bad.body(), not(containsString(unknown)));
        HttpResponse<String> format = f.post("/v1/chat/completions", "pk-whatever", "{}");
        assertThat(Json.mapper().readTree(format.body()).at("/error/code").asText(), is("invalid_api_key"));
    }

    @Test
    void revokedKeyStopsAtOnce() throws Exception {
        String key = f.fundedKey(10_000_000);
        assertThat(f.post("/v1/chat/completions", key, "{\"model\":\"standin-gpt\",\"messages\":[]}").statusCode(), is(200));
        org.routstr.common.db.Db.withConnection(f.db.dataSource(), c -> {
            try (var ps = c.prepareStatement("UPDATE accounts SET status = 'revoked' WHERE key_hash = ?")) {
                ps.setString(1, ApiKeys.hash(key));
                return ps.executeUpdate();
            }
        });
        assertThat(f.post("/v1/chat/completions", key, "{\"model\":\"standin-gpt\",\"messages\":[]}").statusCode(), is(401));
    }

    @Test
    void badInputIs4xxInTheEnvelope() throws Exception {
        String key = f.fundedKey(10_000_000);
        HttpResponse<String> malformed = f.post("/v1/chat/completions", key, "{\"model\":");
        assertThat(malformed.statusCode(), is(400));
        assertThat(Json.mapper().readTree(malformed.body()).at("/error/code").asText(), is("invalid_json"));
        assertThat(f.post("/v1/chat/completions", key, "{\"model\":42}").statusCode(), is(400));
        assertThat(f.post("/v1/chat/completions", key, "{\"model\":\"standin-gpt\",\"max_tokens\":\"many\"}").statusCode(), is(400));
        assertThat(f.post("/v1/chat/completions", key, "{\"model\":\"standin-gpt\",\"stream\":\"yes\"}").statusCode(), is(400));
        HttpResponse<String> unknown = f.post("/v1/chat/completions", key, "{\"model\":\"nope\",\"messages\":[]}");
        assertThat(unknown.statusCode(), is(400));
        assertThat(Json.mapper().readTree(unknown.body()).at("/error/code").asText(), is("model_not_found"));
        HttpResponse<String> big = f.post("/v1/chat/completions", key,
                                          "{\"model\":\"standin-gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(70_000) + "\"}]}");
        assertThat(big.statusCode(), is(413));
        assertThat(Json.mapper().readTree(big.body()).at("/error/code").asText(), is("request_too_large"));
        HttpResponse<String> missing = f.get("/v1/nothing/here");
        assertThat(missing.statusCode(), is(404));
        assertThat(Json.mapper().readTree(missing.body()).at("/error/code").asText(), is("not_found"));
        assertThat(f.available(key), is(10_000_000L));
    }

    @Test
    void perKeyRateLimitGives429WithRetryAfter() throws Exception {
        String key = f.fundedKey(100_000_000);
        List<Integer> statuses = new ArrayList<>();
        HttpResponse<String> limited = null;
        for (int i = 0; i < 35; i++) {
            HttpResponse<String> r = f.post("/v1/embeddings", key, "{\"model\":\"standin-embed\",\"input\":\"x\"}");
            statuses.add(r.statusCode());
            if (r.statusCode() == 429) {
                limited = r;
            }
        }
        assertThat(statuses.stream().filter(s -> s == 200).count(), is(30L));
        assertThat(limited.headers().firstValue("retry-after").isPresent(), is(true));
        assertThat(Json.mapper().readTree(limited.body()).at("/error/code").asText(), is("rate_limit_exceeded"));
    }

    @Test
    void noUsageIsBilledTheReservedEstimateNeverFree() throws Exception {
        String key = f.fundedKey(10_000_000);
        String body = "{\"model\":\"standin-gpt\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        HttpResponse<String> r = f.post("/v1/chat/completions", key, body, "x-standin-mode", "no-usage");
        assertThat(r.statusCode(), is(200));
        long estimate = GatewayFixture.msat(body.length() / 3 + 1, "30") + GatewayFixture.msat(5, "60");
        assertThat(r.headers().firstValue("x-routstr-cost-msats").orElseThrow(), is(String.valueOf(estimate)));
        UsageEvent e = UsageEvents.of(kafka, ApiKeys.hash(key), 1, Duration.ofSeconds(20)).getFirst();
        assertThat(e.pricing(), is("estimate"));
        assertThat(e.costMsat(), is(estimate));
    }

    @Test
    void imagesAndAudioUseTheirPerUnitPrices() throws Exception {
        String key = f.fundedKey(100_000_000);
        HttpResponse<String> img = f.post("/v1/images/generations", key, "{\"model\":\"standin-image\",\"prompt\":\"a cat\",\"n\":2}");
        assertThat(img.body(), img.statusCode(), is(200));
        long perImage = GatewayFixture.msat(1_000_000, "0.04");
        assertThat(img.headers().firstValue("x-routstr-cost-msats").orElseThrow(), is(String.valueOf(2 * perImage)));

        String boundary = "xyzzy";
        String form = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1\r\n--" + boundary
                      + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\nContent-Type: audio/wav\r\n\r\n"
                      + "RIFF".repeat(30_000) + "\r\n--" + boundary + "--\r\n";
        HttpRequest req = HttpRequest.newBuilder(URI.create(f.url() + "/v1/audio/transcriptions"))
                .header("authorization", "Bearer " + key).header("content-type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        HttpResponse<String> audio = f.http.send(req, HttpResponse.BodyHandlers.ofString());
        assertThat(audio.body(), audio.statusCode(), is(200));
        assertThat(audio.body(), containsString("transcription of " + form.length() + " bytes"));
    }

    @Test
    void modelsInfoAndResponsesApi() throws Exception {
        JsonNode models = Json.mapper().readTree(f.get("/v1/models").body());
        assertThat(models.path("data").findValuesAsText("id").contains("standin-gpt"), is(true));
        assertThat(f.get("/v1/info").statusCode(), is(200));
        String key = f.fundedKey(10_000_000);
        HttpResponse<String> r = f.post("/v1/responses", key, "{\"model\":\"standin-gpt\",\"stream\":true,\"input\":\"hi there\"}");
        assertThat(r.statusCode(), is(200));
        String completed = r.body().lines().filter(l -> l.contains("response.completed") && l.startsWith("data: ")).findFirst()
                .orElseThrow().substring(6);
        long expected = GatewayFixture.msat(2, "30") + GatewayFixture.msat(8, "60");
        assertThat(Json.mapper().readTree(completed).at("/response/usage/cost/total_msats").asLong(), is(expected));
    }

    @Test
    void hangingUpstreamsTimeOutAndReleaseTheReservation() throws Exception {
        String key = f.fundedKey(10_000_000);
        long t0 = System.nanoTime();
        HttpResponse<String> r = f.post("/v1/chat/completions", key, "{\"model\":\"standin-gpt\",\"messages\":[]}",
                                        "x-standin-mode", "hang", "x-standin-delay-ms", "5000");
        assertThat(r.statusCode(), is(502));
        assertThat((System.nanoTime() - t0) / 1_000_000, lessThan(4500L));
        assertThat(f.available(key), is(10_000_000L));
    }

    @Test
    void upstreamDyingMidStreamIsBilledTheEstimate() throws Exception {
        String key = f.fundedKey(10_000_000);
        HttpResponse<String> r = f.post("/v1/chat/completions", key,
                                        "{\"model\":\"standin-gpt\",\"stream\":true,\"max_tokens\":7,\"messages\":[]}",
                                        "x-standin-mode", "disconnect");
        assertThat(r.statusCode(), is(200));
        UsageEvent e = UsageEvents.of(kafka, ApiKeys.hash(key), 1, Duration.ofSeconds(20)).getFirst();
        assertThat(e.pricing(), is("estimate"));
        assertThat(e.costMsat(), is(e.reservedMsat()));
    }

    @Test
    void upstreamDyingMidBodyIs502AndReleased() throws Exception {
        String key = f.fundedKey(10_000_000);
        HttpResponse<String> r = f.post("/v1/chat/completions", key, "{\"model\":\"standin-gpt\",\"messages\":[]}",
                                        "x-standin-mode", "disconnect");
        assertThat(r.statusCode(), is(502));
        assertThat(f.available(key), is(10_000_000L));
    }

    @Test
    void longStreamsAreHeartbeated() throws Exception {
        String key = f.fundedKey(10_000_000);
        Thread client = Thread.ofVirtual().start(() -> {
            try {
                f.post("/v1/chat/completions", key, "{\"model\":\"standin-gpt\",\"stream\":true,\"messages\":[]}",
                       "x-standin-mode", "slow", "x-standin-delay-ms", "100");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(900);
        long beatMs = org.routstr.common.db.Db.withConnection(f.db.dataSource(), c -> {
            try (var ps = c.prepareStatement("SELECT (extract(epoch FROM heartbeat_at - created_at) * 1000)::bigint FROM reservations "
                                             + "WHERE key_hash = ? AND status = 'active'")) {
                ps.setString(1, ApiKeys.hash(key));
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
        client.join();
        assertThat(beatMs, greaterThan(300L));
    }

    @Test
    void catalogChangesArriveThroughTheControlTopic() throws Exception {
        String key = f.fundedKey(10_000_000);
        assertThat(f.post("/v1/chat/completions", key, "{\"model\":\"late-model\",\"messages\":[]}").statusCode(), is(400));
        org.routstr.common.db.Db.withConnection(f.db.dataSource(), c -> {
            try (var ps = c.prepareStatement("INSERT INTO models (id, provider_id, upstream_id, usd_per_m_input, usd_per_m_output) "
                                             + "SELECT 'late-model', id, 'standin-gpt', 1, 1 FROM providers WHERE slug = 'backup'")) {
                return ps.executeUpdate();
            }
        });
        try (var producer = org.routstr.common.kafka.Kafka.producer(kafka);
             var bus = new org.routstr.common.kafka.ControlBus(kafka, producer)) {
            bus.publish(org.routstr.common.events.ControlEvent.of("catalog.changed", "late-model", Map.of()));
            producer.flush();
        }
        int status = 0;
        for (int i = 0; i < 50 && status != 200; i++) {
            Thread.sleep(100);
            status = f.post("/v1/chat/completions", key, "{\"model\":\"late-model\",\"messages\":[]}").statusCode();
        }
        assertThat(status, is(200));
    }

    @Test
    void completionsStreamAndModerations() throws Exception {
        String key = f.fundedKey(10_000_000);
        HttpResponse<String> c = f.post("/completions", key, "{\"model\":\"standin-gpt\",\"stream\":true,\"prompt\":\"x y\"}");
        assertThat(c.body(), containsString("\"total_msats\":" + (GatewayFixture.msat(2, "30") + GatewayFixture.msat(8, "60"))));
        HttpResponse<String> m = f.post("/v1/moderations", key, "{\"model\":\"standin-gpt\",\"input\":\"fine\"}");
        assertThat(m.statusCode(), is(200));
        assertThat(m.headers().firstValue("x-routstr-cost-msats").isPresent(), is(true));
    }
}
