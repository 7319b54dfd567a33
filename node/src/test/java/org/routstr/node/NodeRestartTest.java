package org.routstr.node;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * Issue 11: the launcher as a separate process on one data folder. The embedded PostgreSQL is durable by default (checked on
 * the running server); a {@code kill -9} leaves the node startable again with every balance intact (the leftover
 * PostgreSQL of that folder is recognised and stopped); twenty restarts in a row all come up ready.
 */
class NodeRestartTest {
    // generous on a loaded machine; a service that hangs makes the launcher fail with its stack within 3 min (StartWatch)
    private static final Duration READY = Duration.ofSeconds(240);
    private static final Duration STOP = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    static Map<String, String> demoEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("ROUTSTR_DEMO", "on");
        env.put("ROUTSTR_PORT", Integer.toString(NodeProcess.freePort()));
        env.put("ROUTSTR_DEMO_PORT", Integer.toString(NodeProcess.freePort()));
        env.put("ROUTSTR_DEMO_MINT_PORT", Integer.toString(NodeProcess.freePort()));
        env.put("ROUTSTR_DEMO_UPSTREAM_PORT", Integer.toString(NodeProcess.freePort()));
        return env;
    }

    @Test
    void durableByDefaultAndKill9LeavesItStartable() throws Exception {
        Path data = dir.resolve("data");
        Map<String, String> env = demoEnv();
        String key;
        long balance;
        try (NodeProcess node = NodeProcess.start(data, env, dir.resolve("console-1.txt"))) {
            JsonNode info = node.awaitReady(READY);
            assertThat(setting(info, "fsync"), is("on"));
            assertThat(setting(info, "synchronous_commit"), is("on"));
            String api = info.get("api").asText();
            String token = Http.post(info.get("demo").asText() + "/demo/token", null, Map.of("amount_sat", 1000)).json()
                    .get("token").asText();
            Http.Reply created = Http.post(api + "/v1/wallet/create", null, Map.of("cashu_token", token));
            assertThat(created.body(), created.status(), is(200));
            key = created.json().get("api_key").asText();
            Http.Reply chat = Http.post(api + "/v1/chat/completions", key,
                    Map.of("model", "standin-gpt", "messages", new Object[] {Map.of("role", "user", "content", "before the crash")}));
            assertThat(chat.body(), chat.status(), is(200));
            balance = settled(api, key);
            node.kill9();
        }
        try (NodeProcess node = NodeProcess.start(data, env, dir.resolve("console-2.txt"))) {
            JsonNode info = node.awaitReady(READY);
            String api = info.get("api").asText();
            assertThat(Http.get(api + "/v1/wallet/balance", key).json().get("balance").asLong(), is(balance));
            assertThat(setting(info, "fsync"), is("on"));
            assertThat(node.terminate(STOP), is(0));
        }
    }

    @Test
    void twentyRestartsInARowAreAllReady() throws Exception {
        Path data = dir.resolve("data");
        for (int i = 1; i <= 20; i++) {
            // fresh ports each time: a port held free across twenty restarts is taken by another process on a busy machine
            try (NodeProcess node = NodeProcess.start(data, demoEnv(), dir.resolve("console-" + i + ".txt"))) {
                JsonNode info = node.awaitReady(READY);
                Http.Reply health = Http.get(info.get("api").asText() + "/health/ready", null);
                assertThat("restart " + i + ": " + health.body(), health.status(), is(200));
                assertThat("restart " + i + "\n" + node.output(), node.terminate(STOP), is(0));
            }
        }
    }

    /** A server setting as the running PostgreSQL reports it. */
    static String setting(JsonNode info, String name) throws Exception {
        try (Connection c = DriverManager.getConnection(info.get("db_url").asText(), "postgres", "");
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** The key's balance once billing settled everything reserved. */
    static long settled(String api, String key) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode b = Http.get(api + "/v1/wallet/balance", key).json();
        while (b.get("reserved").asLong() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            b = Http.get(api + "/v1/wallet/balance", key).json();
        }
        assertThat(b.toString(), b.get("reserved").asLong(), is(0L));
        return b.get("balance").asLong();
    }
}
