package org.routstr.gateway.proxy;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Metrics;

import com.fasterxml.jackson.databind.JsonNode;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.routstr.common.events.UsageEvent;
import org.routstr.common.json.Json;
import org.routstr.common.keys.ApiKeys;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.gateway.GatewayFixture;
import org.routstr.gateway.StandinWallet;
import org.routstr.gateway.UsageEvents;
import org.routstr.testsupport.RealInfra;
import org.routstr.testsupport.TestDb;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

/**
 * The reservation covers everything a request can make the upstream bill (choices, images, audio, every completion limit,
 * tools), and a settled cost never exceeds it: standin-gpt costs $30/$60 per 1M, context 8,000, at most 1,000 per completion.
 */
@RealInfra
class ReservationCoverageTest {
    private static GatewayFixture f;
    private static StandinWallet wallet;
    private static KafkaSettings kafka;

    @BeforeAll
    static void start(TestDb db, KafkaSettings k) {
        kafka = k;
        wallet = new StandinWallet(new org.routstr.ledger.Ledger(db.dataSource()));
        f = new GatewayFixture(db, k, wallet.config());
    }

    @AfterAll
    static void stop() {
        f.close();
        wallet.close();
    }

    @Test
    void reviewCaseFiveSatTokenWithSixtyFourChoicesIsRefusedUpFrontAndNotRedeemed() throws Exception {
        String body = "{\"model\":\"standin-gpt\",\"max_tokens\":20,\"n\":64,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        // one choice would fit: prompt and 20 completion tokens are about 2.5 sat
        assertThat(estimate(body, 20), lessThanOrEqualTo(5_000L));
        String token = StandinWallet.token(5);
        int redeems = wallet.redeemed().size();
        long upstreamCalls = f.primary.requests() + f.backup.requests();
        HttpResponse<String> r = f.post("/v1/chat/completions", null, body, "X-Cashu", token);
        assertThat(r.body(), r.statusCode(), is(402));
        JsonNode err = Json.mapper().readTree(r.body());
        assertThat(err.at("/error/code").asText(), is("insufficient_balance"));
        assertThat(err.at("/detail/amount_required_msat").asLong(), is(estimate(body, 64 * 20)));
        assertThat(err.at("/detail/available_msat").asLong(), is(5_000L));
        assertThat("the token was never redeemed (no mint fees)", wallet.redeemed().size(), is(redeems));
        assertThat(f.primary.requests() + f.backup.requests(), is(upstreamCalls));
        assertThat(r.headers().firstValue("x-cashu").isPresent(), is(false));
    }

    @Test
    void choicesMultiplyTheCompletionBudgetAndBestOfToo() throws Exception {
        String key = f.fundedKey(100_000_000);
        String chat = "{\"model\":\"standin-gpt\",\"max_tokens\":20,\"n\":3,\"messages\":[{\"role\":\"user\",\"content\":\"a b\"}]}";
        HttpResponse<String> r = f.post("/v1/chat/completions", key, chat);
        assertThat(r.body(), r.statusCode(), is(200));
        assertThat(Json.mapper().readTree(r.body()).path("choices").size(), is(3));
        UsageEvent e = UsageEvents.of(kafka, ApiKeys.hash(key), 1, Duration.ofSeconds(20)).getFirst();
        assertThat(e.reservedMsat(), is(estimate(chat, 3 * 20)));
        assertThat(e.costMsat(), lessThanOrEqualTo(e.reservedMsat()));
        assertThat(e.outputTokens(), is(3 * 8L));

        String key2 = f.fundedKey(100_000_000);
        String completions = "{\"model\":\"standin-gpt\",\"max_tokens\":10,\"n\":2,\"best_of\":5,\"prompt\":\"x\"}";
        assertThat(f.post("/v1/completions", key2, completions).statusCode(), is(200));
        UsageEvent c = UsageEvents.of(kafka, ApiKeys.hash(key2), 1, Duration.ofSeconds(20)).getFirst();
        assertThat(c.reservedMsat(), is(estimate(completions, 5 * 10)));
        assertThat(f.post("/v1/chat/completions", key, chat.replace("\"n\":3", "\"n\":0")).statusCode(), is(400));
        assertThat(f.post("/v1/chat/completions", key, chat.replace("\"n\":3", "\"n\":1000")).statusCode(), is(400));
    }

    @Test
    void theOpenAiSdkAskingForThreeChoicesIsReservedForThree() {
        String key = f.fundedKey(100_000_000);
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(f.url() + "/v1").apiKey(key).maxRetries(0).build();
        ChatCompletion cc = client.chat().completions().create(ChatCompletionCreateParams.builder().model("standin-gpt")
                .addUserMessage("three of these").n(3).maxCompletionTokens(20).build());
        assertThat(cc.choices().size(), is(3));
        UsageEvent e = UsageEvents.of(kafka, ApiKeys.hash(key), 1, Duration.ofSeconds(20)).getFirst();
        assertThat(e.outputTokens(), is(3 * 9L));
        assertThat(e.costMsat(), lessThanOrEqualTo(e.reservedMsat()));
        assertThat(e.reservedMsat(), greaterThan(GatewayFixture.msat(3 * 20, "60")));
    }

    @Test
    void imagesAndAudioInThePromptArePricedAsTheUpstreamBillsThem() throws Exception {
        String url = "https://example.com/" + "p".repeat(200) + ".png";
        String data = "data:image/png;base64," + "A".repeat(300_000);
        String audio = "B".repeat(40_000);
        String body = "{\"model\":\"standin-gpt\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":["
                      + "{\"type\":\"text\",\"text\":\"what is this\"},"
                      + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + url + "\",\"detail\":\"high\"}},"
                      + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + data + "\"}},"
                      + "{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"" + audio + "\",\"format\":\"mp3\"}}]}]}";
        String key = f.fundedKey(100_000_000);
        assertThat(f.post("/v1/chat/completions", key, body).statusCode(), is(200));
        UsageEvent e = UsageEvents.of(kafka, ApiKeys.hash(key), 1, Duration.ofSeconds(20)).getFirst();
        // two images at 2,500 tokens each, 40,000 base64 characters of audio = 30,000 bytes = 300 tokens; their bytes not
        // counted as text
        long text = (body.length() - url.length() - data.length() - audio.length()) / 3 + 1;
        long prompt = text + 2 * 2_500 + 300;
        assertThat(e.reservedMsat(), is(GatewayFixture.msat(prompt, "30") + GatewayFixture.msat(10, "60")));
    }

    @Test
    void everyCompletionLimitAndTheToolsCount() throws Exception {
        String key = f.fundedKey(100_000_000);
        String both = "{\"model\":\"standin-gpt\",\"max_tokens\":5,\"max_completion_tokens\":500,\"messages\":[]}";
        assertThat(f.post("/v1/chat/completions", key, both).statusCode(), is(200));
        assertThat(UsageEvents.of(kafka, ApiKeys.hash(key), 1, Duration.ofSeconds(20)).getFirst().reservedMsat(),
                   is(estimate(both, 500)));

        String key2 = f.fundedKey(100_000_000);
        String tools = "{\"model\":\"standin-gpt\",\"max_output_tokens\":7,\"input\":\"hi\",\"tools\":[{\"type\":\"function\","
                       + "\"name\":\"lookup\",\"description\":\"" + "d".repeat(3_000) + "\",\"parameters\":{}}]}";
        assertThat(f.post("/v1/responses", key2, tools).statusCode(), is(200));
        UsageEvent e = UsageEvents.of(kafka, ApiKeys.hash(key2), 1, Duration.ofSeconds(20)).getFirst();
        assertThat(e.reservedMsat(), is(estimate(tools, 7)));
        assertThat(e.reservedMsat(), greaterThan(GatewayFixture.msat(1_000, "30")));
    }

    @Test
    void anUpstreamOverrunIsChargedTheReservationCountedAndLogged() throws Exception {
        Counter overruns = Metrics.getOrCreate(Counter.builder("routstr_gateway_overrun"));
        Counter overrunMsat = Metrics.getOrCreate(Counter.builder("routstr_gateway_overrun_msat"));
        long before = overruns.count();
        long msatBefore = overrunMsat.count();
        String key = f.fundedKey(100_000_000);
        String body = "{\"model\":\"standin-gpt\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"a b c\"}]}";
        HttpResponse<String> r = f.post("/v1/chat/completions", key, body, "x-standin-mode", "overrun");
        assertThat(r.body(), r.statusCode(), is(200));
        long reserved = estimate(body, 5);
        // the stand-in reports 500 completion tokens for the 5 it wrote
        long metered = GatewayFixture.msat(3, "30") + GatewayFixture.msat(500, "60");
        assertThat(r.headers().firstValue("x-routstr-cost-msats").orElseThrow(), is(String.valueOf(reserved)));
        assertThat(Json.mapper().readTree(r.body()).at("/usage/cost/total_msats").asLong(), is(reserved));
        UsageEvent e = UsageEvents.of(kafka, ApiKeys.hash(key), 1, Duration.ofSeconds(20)).getFirst();
        assertThat(e.costMsat(), is(reserved));
        assertThat(e.reservedMsat(), is(reserved));
        assertThat(overruns.count(), is(before + 1));
        assertThat(overrunMsat.count(), is(msatBefore + metered - reserved));

        String streamKey = f.fundedKey(100_000_000);
        String stream = body.replace("\"max_tokens\":5", "\"max_tokens\":5,\"stream\":true");
        HttpResponse<String> s = f.post("/v1/chat/completions", streamKey, stream, "x-standin-mode", "overrun");
        List<String> data = s.body().lines().filter(l -> l.startsWith("data: {")).map(l -> l.substring(6)).toList();
        assertThat(Json.mapper().readTree(data.getLast()).at("/usage/cost/total_msats").asLong(), is(estimate(stream, 5)));
        assertThat(UsageEvents.of(kafka, ApiKeys.hash(streamKey), 1, Duration.ofSeconds(20)).getFirst().costMsat(),
                   is(estimate(stream, 5)));
        assertThat(overruns.count(), is(before + 2));
    }

    /** The documented worst case of a body: its bytes ÷ 3 + 1 prompt tokens and {@code completion} output tokens. */
    private static long estimate(String body, long completion) {
        return GatewayFixture.msat(body.length() / 3 + 1, "30") + GatewayFixture.msat(completion, "60");
    }
}
