package org.routstr.node;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

/**
 * Issue 7's acceptance: the launcher as a separate process from a clean data folder in demo mode, the demo flow over HTTP,
 * SIGTERM, a clean exit, and a restart on the same folder that finds the same balance.
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

            String token = Http.post(info.get("demo").asText() + "/demo/token", null, Map.of("amount_sat", 2000)).json()
                    .get("token").asText();
            assertThat(token, startsWith("cashuB"));
            Http.Reply created = Http.post(wallet(info) + "/v1/wallet/create", null, Map.of("cashu_token", token));
            assertThat(created.body(), created.status(), is(200));
            apiKey = created.json().get("api_key").asText();
            assertThat(apiKey, startsWith("sk-"));
            assertThat(created.json().get("balance").asLong(), is(2_000_000L));
            balance = balanceOf(wallet(info), apiKey);
            assertThat(balance, is(2_000_000L));

            assertThat(node.terminate(STOP), is(0));
            assertThat(node.output(), containsString("routstr: stopped cleanly"));
        }
        try (NodeProcess node = NodeProcess.start(data, env, dir.resolve("console-2.txt"))) {
            JsonNode info = node.awaitReady(READY);
            assertAllHealthy(info);
            assertThat(balanceOf(wallet(info), apiKey), is(balance));
            assertThat(node.terminate(STOP), is(0));
        }
    }

    private static void assertAllHealthy(JsonNode info) {
        Http.Reply gateway = Http.get(info.get("api").asText() + "/health/ready", null);
        assertThat("gateway " + gateway.body(), gateway.status(), is(200));
        for (String svc : SERVICES) {
            Http.Reply r = Http.get(info.get("internal").get(svc).asText() + "/health/ready", null);
            assertThat(svc + " " + r.body(), r.status(), is(200));
            assertThat(svc, r.json().get("status").asText(), is("UP"));
        }
    }

    private static String wallet(JsonNode info) {
        return info.get("internal").get("wallet").asText();
    }

    private static long balanceOf(String base, String apiKey) {
        Http.Reply r = Http.get(base + "/v1/wallet/balance", apiKey);
        assertThat(r.body(), r.status(), is(200));
        return r.json().get("balance").asLong();
    }
}
