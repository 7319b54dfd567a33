package org.routstr.node;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.startsWith;

/**
 * Issue 7's acceptance: the launcher as a separate process from a clean data folder in demo mode; the demo flow over HTTP
 * through the gateway's one port (demo token, key, chat with plain HTTP and the OpenAI SDK, balance drop); SIGTERM and a
 * clean exit; a restart on the same folder that finds the same balance; then a refund of what is left.
 */
class NodeEndToEndTest {
    private static final Duration READY = Duration.ofSeconds(90);
    private static final Duration STOP = Duration.ofSeconds(60);
    private static final String[] SERVICES = {"billing", "wallet", "admin", "discovery"};

    @TempDir
    Path dir;

    @Test
    void demoFlowThenRestartKeepsTheBalance() throws Exception {
        Path data = dir.resolve("data");
        Map<String, String> env = Map.of("ROUTSTR_DEMO", "on",
                                          "ROUTSTR_PORT", Integer.toString(NodeProcess.freePort()),
                                          "ROUTSTR_DEMO_PORT", Integer.toString(NodeProcess.freePort()),
                                          "ROUTSTR_DEMO_MINT_PORT", Integer.toString(NodeProcess.freePort()),
                                          "ROUTSTR_DEMO_UPSTREAM_PORT", Integer.toString(NodeProcess.freePort()));
        String apiKey;
        long balance;
        try (NodeProcess node = NodeProcess.start(data, env, dir.resolve("console-1.txt"))) {
            JsonNode info = node.awaitReady(READY);
            assertThat(node.output(), containsString("DEMO MODE"));
            assertAllHealthy(info);
            String api = info.get("api").asText();

            String token = Http.post(info.get("demo").asText() + "/demo/token", null, Map.of("amount_sat", 2000)).json()
                    .get("token").asText();
            assertThat(token, startsWith("cashuB"));
            Http.Reply created = Http.post(api + "/v1/wallet/create", null, Map.of("cashu_token", token));
            assertThat(created.body(), created.status(), is(200));
            apiKey = created.json().get("api_key").asText();
            assertThat(apiKey, startsWith("sk-"));
            assertThat(created.json().get("balance").asLong(), is(2_000_000L));

            Http.Reply chat = Http.post(api + "/v1/chat/completions", apiKey,
                    Map.of("model", "standin-gpt", "messages", new Object[] {Map.of("role", "user", "content", "hello node")}));
            assertThat(chat.body(), chat.status(), is(200));
            assertThat(chat.json().at("/choices/0/message/content").asText(), containsString("hello node"));
            long cost = chat.json().at("/usage/cost/total_msats").asLong();
            assertThat(cost, greaterThan(0L));

            ChatCompletion sdk = sdk(api, apiKey).chat().completions().create(ChatCompletionCreateParams.builder()
                    .model("standin-mini").addUserMessage("hello from the SDK").build());
            assertThat(sdk.choices().getFirst().message().content().orElseThrow(), containsString("hello from the SDK"));

            balance = settledBalance(api, apiKey, 2);
            assertThat(balance, lessThan(2_000_000L - cost + 1));

            assertThat(node.terminate(STOP), is(0));
            assertThat(node.output(), containsString("routstr: stopped cleanly"));
        }
        try (NodeProcess node = NodeProcess.start(data, env, dir.resolve("console-2.txt"))) {
            JsonNode info = node.awaitReady(READY);
            assertAllHealthy(info);
            String api = info.get("api").asText();
            assertThat(balanceOf(api, apiKey).get("balance").asLong(), is(balance));

            Http.Reply refund = Http.post(api + "/v1/wallet/refund", apiKey, Map.of());
            assertThat(refund.body(), refund.status(), is(200));
            assertThat(refund.json().get("token").asText(), startsWith("cashu"));
            // a sat refund pays whole sats; the sub-sat remainder stays on the key rather than being lost
            assertThat(balanceOf(api, apiKey).get("balance").asLong(), is(balance % 1000));
            assertThat(node.terminate(STOP), is(0));
        }
    }

    private static OpenAIClient sdk(String api, String apiKey) {
        return OpenAIOkHttpClient.builder().baseUrl(api + "/v1").apiKey(apiKey).maxRetries(0).build();
    }

    private static void assertAllHealthy(JsonNode info) {
        Http.Reply gateway = Http.get(info.get("api").asText() + "/health/ready", null);
        assertThat("gateway " + gateway.body(), gateway.status(), is(200));
        for (String svc : SERVICES) {
            Http.Reply r = Http.get(info.get("internal").get(svc).asText() + "/health/ready", null);
            assertThat(svc + " " + r.body(), r.status(), is(200));
            assertThat(svc, r.json().get("status").asText(), is("UP"));
            Http.Reply m = Http.get(info.get("metrics").get(svc).asText() + "/metrics", null);
            assertThat(svc + " metrics on the internal socket", m.status(), is(200));
        }
        assertThat("no metrics on the public port", Http.get(info.get("api").asText() + "/metrics", null).status(), is(404));
        assertThat(Http.get(info.get("metrics").get("gateway").asText() + "/metrics", null).status(), is(200));
    }

    /** The balance once billing settled {@code requests} requests (it settles from Kafka, so shortly after the replies). */
    private static long settledBalance(String api, String apiKey, int requests) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode info = balanceOf(api, apiKey);
        while (System.nanoTime() < deadline && (info.get("total_requests").asInt() < requests || info.get("reserved").asLong() > 0)) {
            Thread.sleep(100);
            info = balanceOf(api, apiKey);
        }
        assertThat(info.toString(), info.get("total_requests").asInt(), is(requests));
        assertThat(info.toString(), info.get("reserved").asLong(), is(0L));
        assertThat(info.get("total_spent").asLong() + info.get("balance").asLong(), is(2_000_000L));
        return info.get("balance").asLong();
    }

    private static JsonNode balanceOf(String api, String apiKey) {
        Http.Reply r = Http.get(api + "/v1/wallet/balance", apiKey);
        assertThat(r.body(), r.status(), is(200));
        return r.json();
    }
}
