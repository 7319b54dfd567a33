package org.routstr.gateway.proxy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponse;
import com.openai.core.http.HttpResponseFor;
import com.openai.models.FunctionDefinition;
import com.openai.models.audio.speech.SpeechCreateParams;
import com.openai.models.audio.transcriptions.TranscriptionCreateParams;
import com.openai.models.audio.translations.TranslationCreateParams;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.images.ImageGenerateParams;
import com.openai.models.moderations.ModerationCreateParams;
import com.openai.models.responses.ResponseCreateParams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.routstr.common.events.UsageEvent;
import org.routstr.common.keys.ApiKeys;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.gateway.GatewayFixture;
import org.routstr.gateway.NodeScripts;
import org.routstr.gateway.UsageEvents;
import org.routstr.testsupport.RealInfra;
import org.routstr.testsupport.TestDb;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;

/**
 * The official {@code openai} npm package (src/test/js/openai.mjs) and the OpenAI Java SDK over every OpenAI endpoint:
 * each call is answered as the SDK expects and metered, one usage event per key whose cost is the
 * {@code X-Routstr-Cost-Msats} the client saw.
 */
@RealInfra
class OpenAiEveryEndpointTest {
    private static final List<String> PAID = List.of("chat", "stream", "tools", "completions", "embeddings", "images",
                                                     "transcription", "translation", "speech", "responses", "moderations");
    private static GatewayFixture f;
    private static KafkaSettings broker;

    @BeforeAll
    static void start(TestDb db, KafkaSettings kafka) {
        broker = kafka;
        f = new GatewayFixture(db, kafka, Map.of(
                "gateway.providers.0.models.5.id", "tts-1",
                "gateway.providers.0.models.5.request-usd", "0.015",
                "gateway.providers.0.models.6.id", "omni-moderation-latest",
                "gateway.providers.0.models.6.request-usd", "0.0001"));
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    @Test
    void nodeSdkOverEveryEndpoint() throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("BASE_URL", f.url()));
        Map<String, String> keys = new HashMap<>();
        for (String c : PAID) {
            keys.put(c, f.fundedKey(10_000_000));
            env.put("KEY_" + c, keys.get(c));
        }
        env.put("KEY_models", f.fundedKey(0));
        JsonNode out = NodeScripts.run("openai.mjs", env, 120);
        assertThat(out.at("/chat/text").asText(), is("This is the stand-in upstream answering ping from node"));
        assertThat(out.at("/chat/usageCost").asLong(), is(out.at("/chat/cost").asLong()));
        assertThat(out.at("/stream/text").asText(), is("This is the stand-in upstream answering ping from node"));
        assertThat(out.at("/tools/tool").asText(), is("lookup"));
        assertThat(out.at("/tools/finish").asText(), is("tool_calls"));
        assertThat(out.at("/images/n").asInt(), is(2));
        assertThat(out.at("/speech/text").asText(), is("ID3 stand-in speech: hello there"));
        assertThat(out.at("/responses/text").asText(), is("This is the stand-in upstream answering ping from node"));
        assertThat(out.at("/moderations/flagged").asBoolean(true), is(false));
        List<String> ids = new java.util.ArrayList<>();
        out.at("/models/ids").forEach(n -> ids.add(n.asText()));
        assertThat(ids, hasItem("tts-1"));
        for (String c : PAID) {
            List<UsageEvent> events = UsageEvents.of(broker, ApiKeys.hash(keys.get(c)), 1, Duration.ofSeconds(20));
            assertThat(c, events.size(), is(1));
            assertThat(c, events.getFirst().costMsat(), greaterThan(0L));
            assertThat(c, events.getFirst().costMsat(), is(out.path(c).path("cost").asLong()));
        }
        assertThat(out.at("/images/cost").asLong(), is(2 * GatewayFixture.msat(1_000_000, "0.04")));
        assertThat(out.at("/speech/cost").asLong(), is(GatewayFixture.msat(1_000_000, "0.015")));
    }
    private static OpenAIClient java(String key) {
        return OpenAIOkHttpClient.builder().baseUrl(f.url() + "/v1").apiKey(key).maxRetries(0).build();
    }

    private static long cost(HttpResponseFor<?> r) {
        return Long.parseLong(r.headers().values("X-Routstr-Cost-Msats").getFirst());
    }

    private static void metered(String key, long cost) {
        List<UsageEvent> events = UsageEvents.of(broker, ApiKeys.hash(key), 1, Duration.ofSeconds(20));
        assertThat(events.size(), is(1));
        assertThat(events.getFirst().costMsat(), greaterThan(0L));
        assertThat(events.getFirst().costMsat(), is(cost));
    }

    /** The official OpenAI Java SDK over the endpoints {@link OpenAiSdkTest} does not cover, each metered. */
    @Test
    void javaSdkOverTheOtherEndpoints() throws Exception {
        String k = f.fundedKey(10_000_000);
        var tools = java(k).chat().completions().withRawResponse().create(ChatCompletionCreateParams.builder().model("standin-gpt")
                .addUserMessage("ping from java").addFunctionTool(FunctionDefinition.builder().name("lookup").build()).build());
        assertThat(tools.parse().choices().getFirst().message().toolCalls().orElseThrow().getFirst().asFunction().function().name(),
                   is("lookup"));
        metered(k, cost(tools));

        k = f.fundedKey(10_000_000);
        var completion = java(k).completions().withRawResponse().create(
                CompletionCreateParams.builder().model("standin-gpt").prompt("ping from java").build());
        assertThat(completion.parse().choices().getFirst().text(), is("This is the stand-in upstream answering ping from java"));
        metered(k, cost(completion));

        k = f.fundedKey(10_000_000);
        var images = java(k).images().withRawResponse().generate(
                ImageGenerateParams.builder().model("standin-image").prompt("a cat").n(2).build());
        assertThat(images.parse().data().orElseThrow().size(), is(2));
        metered(k, cost(images));

        Path wav = Files.createTempFile("speech", ".wav");
        Files.writeString(wav, "RIFF....WAVEfmt java audio");
        k = f.fundedKey(10_000_000);
        var transcription = java(k).audio().transcriptions().withRawResponse().create(
                TranscriptionCreateParams.builder().model("whisper-1").file(wav).build());
        assertThat(transcription.parse().asTranscription().text(), containsString("stand-in transcription"));
        metered(k, cost(transcription));
        k = f.fundedKey(10_000_000);
        var translation = java(k).audio().translations().withRawResponse().create(
                TranslationCreateParams.builder().model("whisper-1").file(wav).build());
        assertThat(translation.parse().asTranslation().text(), containsString("stand-in transcription"));
        metered(k, cost(translation));
        Files.delete(wav);

        k = f.fundedKey(10_000_000);
        try (HttpResponse speech = java(k).audio().speech().create(
                SpeechCreateParams.builder().model("tts-1").input("hello there").voice("alloy").build())) {
            assertThat(new String(speech.body().readAllBytes(), StandardCharsets.UTF_8), is("ID3 stand-in speech: hello there"));
            metered(k, Long.parseLong(speech.headers().values("X-Routstr-Cost-Msats").getFirst()));
        }

        k = f.fundedKey(10_000_000);
        var response = java(k).responses().withRawResponse().create(
                ResponseCreateParams.builder().model("standin-gpt").input("ping from java").build());
        assertThat(response.parse().output().size(), is(1));
        metered(k, cost(response));

        k = f.fundedKey(10_000_000);
        var moderation = java(k).moderations().withRawResponse().create(
                ModerationCreateParams.builder().model("omni-moderation-latest").input("some text").build());
        assertThat(moderation.parse().results().getFirst().flagged(), is(false));
        metered(k, cost(moderation));
    }
}
