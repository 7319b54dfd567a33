package org.routstr.gateway.anthropic;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolUseBlock;

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
import org.routstr.standin.StandinUpstream;
import org.routstr.testsupport.RealInfra;
import org.routstr.testsupport.TestDb;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The official Anthropic Java SDK against /v1/messages: {@code standin-claude} is served by an Anthropic-shaped stand-in
 * (passed through, $3/$15 per 1M), {@code standin-gpt} by the OpenAI-compatible one (translated, $30/$60); each request's
 * usage event, {@code usage.cost} and cost header agree to the msat with the token counts the stand-in reported.
 */
@RealInfra
class AnthropicSdkTest {
    private static StandinUpstream claude;
    private static GatewayFixture f;
    private static KafkaSettings broker;

    @BeforeAll
    static void start(TestDb db, KafkaSettings kafka) {
        broker = kafka;
        claude = StandinUpstream.start("127.0.0.1", 0);
        f = new GatewayFixture(db, kafka, Map.of(
                "gateway.providers.3.slug", "claude",
                "gateway.providers.3.api", "anthropic",
                "gateway.providers.3.base-url", claude.url() + "/v1",
                "gateway.providers.3.api-key", "sk-ant-upstream-secret",
                "gateway.providers.3.models.0.id", "standin-claude",
                "gateway.providers.3.models.0.upstream-id", "claude-standin-1",
                "gateway.providers.3.models.0.input-usd-per-m", "3",
                "gateway.providers.3.models.0.output-usd-per-m", "15",
                "gateway.providers.3.models.0.max-completion-tokens", "1000"));
    }

    @AfterAll
    static void stop() {
        f.close();
        claude.close();
    }

    private static AnthropicClient client(String key) {
        return AnthropicOkHttpClient.builder().baseUrl(f.url()).apiKey(key).maxRetries(0).build();
    }

    private static MessageCreateParams.Builder params(String model) {
        return MessageCreateParams.builder().model(model).maxTokens(100).system("be brief").addUserMessage("ping from claude");
    }

    private static UsageEvent onlyEvent(String key) {
        List<UsageEvent> events = UsageEvents.of(broker, ApiKeys.hash(key), 1, Duration.ofSeconds(20));
        assertThat(events.size(), is(1));
        assertThat(events.getFirst().endpoint(), is("messages"));
        return events.getFirst();
    }

    private static long costInBody(Message m) {
        JsonValue cost = m.usage()._additionalProperties().get("cost");
        JsonNode c = Json.mapper().valueToTree(cost.convert(Map.class));
        return c.path("total_msats").asLong(-1);
    }

    @Test
    void passThroughPlain() {
        String key = f.fundedKey(10_000_000);
        var raw = client(key).messages().withRawResponse().create(params("standin-claude").build());
        Message m = raw.parse();
        assertThat(m.content().getFirst().text().orElseThrow().text(), is("This is the stand-in upstream answering ping from claude"));
        assertThat(m.model().asString(), is("standin-claude"));
        assertThat(m.stopReason().orElseThrow(), is(StopReason.END_TURN));
        assertThat(m.usage().inputTokens(), is(5L));  // system and user words
        assertThat(m.usage().outputTokens(), is(9L));
        long expected = GatewayFixture.msat(5, "3") + GatewayFixture.msat(9, "15");
        assertThat(costInBody(m), is(expected));
        assertThat(raw.headers().values("X-Routstr-Cost-Msats"), is(List.of(String.valueOf(expected))));
        UsageEvent e = onlyEvent(key);
        assertThat(e.costMsat(), is(expected));
        assertThat(e.provider(), is("claude"));
        StandinUpstream.Seen seen = claude.lastRequest().orElseThrow();
        assertThat(seen.path(), is("/v1/messages"));
        assertThat(seen.headers().get("x-api-key"), is("sk-ant-upstream-secret"));
        assertThat(seen.headers().containsKey("authorization"), is(false));
        assertThat(new String(seen.body(), StandardCharsets.UTF_8), containsString("\"model\":\"claude-standin-1\""));
    }

    @Test
    void translatedPlain() {
        String key = f.fundedKey(10_000_000);
        Message m = client(key).messages().create(params("standin-gpt").build());
        // the chat upstream saw the system prompt as a message: its words count and are echoed
        assertThat(m.content().getFirst().text().orElseThrow().text(),
                   is("This is the stand-in upstream answering be brief ping from claude"));
        assertThat(m.model().asString(), is("standin-gpt"));
        assertThat(m.stopReason().orElseThrow(), is(StopReason.END_TURN));
        assertThat(m.usage().inputTokens(), is(5L));
        assertThat(m.usage().outputTokens(), is(11L));
        long expected = GatewayFixture.msat(5, "30") + GatewayFixture.msat(11, "60");
        assertThat(costInBody(m), is(expected));
        assertThat(onlyEvent(key).costMsat(), is(expected));
        JsonNode sent = Json.parse(f.primary.lastRequest().orElseThrow().body());
        assertThat(sent.at("/messages/0/role").asText(), is("system"));
        assertThat(sent.at("/messages/0/content").asText(), is("be brief"));
        assertThat(sent.path("max_tokens").asInt(), is(100));
    }

    @Test
    void streamedBothWays() {
        for (String model : List.of("standin-claude", "standin-gpt")) {
            String key = f.fundedKey(10_000_000);
            MessageAccumulator acc = MessageAccumulator.create();
            try (StreamResponse<RawMessageStreamEvent> s = client(key).messages().createStreaming(params(model).build())) {
                s.stream().forEach(acc::accumulate);
            }
            Message m = acc.message();
            boolean translated = model.equals("standin-gpt");
            assertThat(m.content().getFirst().text().orElseThrow().text(), is(translated
                    ? "This is the stand-in upstream answering be brief ping from claude"
                    : "This is the stand-in upstream answering ping from claude"));
            assertThat(m.stopReason().orElseThrow(), is(StopReason.END_TURN));
            long out = translated ? 11 : 9;
            assertThat(m.usage().outputTokens(), is(out));
            long expected = translated ? GatewayFixture.msat(5, "30") + GatewayFixture.msat(11, "60")
                    : GatewayFixture.msat(5, "3") + GatewayFixture.msat(9, "15");
            assertThat(model, onlyEvent(key).costMsat(), is(expected));
        }
    }

    @Test
    void toolsBothWays() {
        Tool lookup = Tool.builder().name("lookup").description("Looks a thing up")
                .inputSchema(Tool.InputSchema.builder().properties(JsonValue.from(Map.of("query", Map.of("type", "string"))))
                                     .build()).build();
        for (String model : List.of("standin-claude", "standin-gpt")) {
            String key = f.fundedKey(10_000_000);
            MessageCreateParams ask = MessageCreateParams.builder().model(model).maxTokens(200).addTool(lookup)
                    .addUserMessage("weather in Paris please").build();
            Message m = client(key).messages().create(ask);
            assertThat(m.stopReason().orElseThrow(), is(StopReason.TOOL_USE));
            ToolUseBlock call = m.content().stream().flatMap(b -> b.toolUse().stream()).findFirst().orElseThrow();
            assertThat(call.name(), is("lookup"));
            assertThat(Json.mapper().valueToTree(call._input().convert(Map.class)).path("query").asText(), is("weather in"));
            assertThat(m.usage().outputTokens(), is(5L));

            // the tool result goes back; the stand-in then answers in text
            MessageCreateParams answer = ask.toBuilder().addMessage(m)
                    .addUserMessageOfContentBlockParams(List.of(com.anthropic.models.messages.ContentBlockParam.ofToolResult(
                            com.anthropic.models.messages.ToolResultBlockParam.builder().toolUseId(call.id()).content("sunny").build())))
                    .build();
            Message done = client(key).messages().create(answer);
            assertThat(done.stopReason().orElseThrow(), is(StopReason.END_TURN));
            assertThat(done.content().stream().map(ContentBlock::isText).toList(), is(List.of(true)));
            if (model.equals("standin-gpt")) {
                JsonNode sent = Json.parse(f.primary.lastRequest().orElseThrow().body());
                assertThat(sent.at("/tools/0/function/name").asText(), is("lookup"));
                assertThat(sent.at("/messages/1/tool_calls/0/id").asText(), is(call.id()));
                assertThat(sent.at("/messages/2/role").asText(), is("tool"));
                assertThat(sent.at("/messages/2/content").asText(), is("sunny"));
            }
            List<UsageEvent> events = UsageEvents.of(broker, ApiKeys.hash(key), 2, Duration.ofSeconds(20));
            assertThat(events.size(), is(2));
            long firstCost = model.equals("standin-gpt") ? GatewayFixture.msat(4, "30") + GatewayFixture.msat(5, "60")
                    : GatewayFixture.msat(4, "3") + GatewayFixture.msat(5, "15");
            assertThat(model, events.getFirst().costMsat(), is(firstCost));
        }
    }

    @Test
    void countTokensIsFreeAndCountedWhereTheUpstreamCan() {
        String key = f.fundedKey(10_000_000);
        long before = f.available(key);
        MessageCountTokensParams.Builder p = MessageCountTokensParams.builder().system("be brief").addUserMessage("ping from claude");
        assertThat(client(key).messages().countTokens(p.model("standin-claude").build()).inputTokens(), is(5L));
        assertThat(claude.lastRequest().orElseThrow().path(), is("/v1/messages/count_tokens"));
        // no Anthropic provider for standin-gpt: the local estimate, one token per started 3 characters (8 + 16 chars)
        assertThat(client(key).messages().countTokens(p.model("standin-gpt").build()).inputTokens(), is(8L));
        assertThat(f.available(key), is(before));
    }

    /** The official TypeScript SDK ({@code @anthropic-ai/sdk}, src/test/js/anthropic.mjs): the same four cases each way. */
    @Test
    void typeScriptSdkBothWays() throws Exception {
        List<String> keys = new java.util.ArrayList<>();
        Map<String, String> env = new java.util.HashMap<>(Map.of("BASE_URL", f.url()));
        for (int i = 0; i < 8; i++) {
            keys.add(f.fundedKey(10_000_000));
            env.put("KEY_" + i, keys.get(i));
        }
        JsonNode out = NodeScripts.run("anthropic.mjs", env, 120);
        for (int i = 0; i < 2; i++) {
            boolean translated = i == 1;
            String model = translated ? "standin-gpt" : "standin-claude";
            String price = translated ? "30" : "3";
            String outPrice = translated ? "60" : "15";
            String text = translated ? "This is the stand-in upstream answering be brief ping from claude"
                    : "This is the stand-in upstream answering ping from claude";
            long outTokens = translated ? 11 : 9;
            long cost = GatewayFixture.msat(5, price) + GatewayFixture.msat(outTokens, outPrice);
            JsonNode plain = out.path(model + ":plain");
            assertThat(plain.path("text").asText(), is(text));
            assertThat(plain.path("stop").asText(), is("end_turn"));
            assertThat(plain.at("/usage/output_tokens").asLong(), is(outTokens));
            assertThat(plain.at("/usage/cost/total_msats").asLong(), is(cost));
            assertThat(onlyEvent(keys.get(i * 4)).costMsat(), is(cost));
            JsonNode stream = out.path(model + ":stream");
            assertThat(stream.path("text").asText(), is(text));
            assertThat(stream.path("deltas").asLong(), is(outTokens));
            assertThat(stream.at("/usage/output_tokens").asLong(), is(outTokens));
            assertThat(onlyEvent(keys.get(i * 4 + 1)).costMsat(), is(cost));
            JsonNode tools = out.path(model + ":tools");
            assertThat(tools.path("stop").asText(), is("tool_use"));
            assertThat(tools.path("name").asText(), is("lookup"));
            assertThat(tools.at("/input/query").asText(), is("weather in"));
            assertThat(tools.path("then").asText(), is("end_turn"));
            List<UsageEvent> toolEvents = UsageEvents.of(broker, ApiKeys.hash(keys.get(i * 4 + 2)), 2, Duration.ofSeconds(20));
            assertThat(toolEvents.size(), is(2));
            assertThat(toolEvents.getFirst().costMsat(), is(GatewayFixture.msat(4, price) + GatewayFixture.msat(5, outPrice)));
            assertThat(out.at("/" + model + ":count/input_tokens").asLong(), is(translated ? 8L : 5L));
            assertThat(f.available(keys.get(i * 4 + 3)), is(10_000_000L));
        }
    }

    @Test
    void unknownKeyIsUnauthorized() {
        UnauthorizedException e = assertThrows(UnauthorizedException.class,
                                               () -> client(ApiKeys.newKey()).messages().create(params("standin-claude").build()));
        assertThat(e.statusCode(), is(401));
    }
}
