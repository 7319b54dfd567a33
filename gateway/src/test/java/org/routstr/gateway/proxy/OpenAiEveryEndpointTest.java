package org.routstr.gateway.proxy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
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
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;

/**
 * The official {@code openai} npm package (src/test/js/openai.mjs) over every OpenAI endpoint: each call is answered as
 * the SDK expects and metered, one usage event per key whose cost is the {@code X-Routstr-Cost-Msats} the client saw.
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
}
