package org.routstr.node;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import io.helidon.webserver.WebServer;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.routstr.admin.auth.Authenticator;
import org.routstr.common.db.Db;
import org.routstr.common.events.Topics;
import org.routstr.common.json.Json;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.crypto.cashu.client.CashuWallet;
import org.routstr.crypto.cashu.client.MintClient;
import org.routstr.nostr.Keys;
import org.routstr.testmint.TestMint;
import org.routstr.testsupport.RealInfra;
import org.routstr.testsupport.TestDb;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;

/**
 * Issue 12's secrets test: every flow that handles a secret runs through the public port (key from a token, cashu bearer,
 * X-Cashu with change, refunds to a token and to a Lightning address, a Lightning top-up and recovery, the upstream key,
 * the admin one-time password, password change and logins, an admin API token, a provider key and the nsec set through
 * the admin API), with mistakes on each. No full secret appears in any log record, the console, the logs topic, the
 * admin log index and audit rows, or any error body.
 */
@RealInfra
class PublicPortSecretsTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String CHAT = "{\"model\":\"standin-gpt\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private final Map<String, String> secrets = new LinkedHashMap<>();
    private final List<String> errorBodies = new ArrayList<>();
    private InProcessNode node;

    @Test
    void noFlowWritesASecretToTheLogsOrAnErrorBody(TestDb db, KafkaSettings kafka, @TempDir Path dir) throws Exception {
        try (LogTap tap = LogTap.install(); TestMint invoicer = TestMint.start()) {
            WebServer lnurl = lightningAddress(invoicer);
            node = InProcessNode.start(db, kafka, dir, Map.of("billing.consumer.group", "billing-secrets"), true);
            try {
                secrets.put("internal token", InProcessNode.INTERNAL);
                secrets.put("upstream key", InProcessNode.UPSTREAM_KEY);
                secrets.put("gateway secret key", "in-process-node-secret-key");
                wallet(lnurl.port());
                admin();
                // a control record: each place scanned below must show it, or the scan could not see a leak there
                String control = "control-" + UUID.randomUUID();
                System.getLogger("org.routstr.gateway.SecretsControl").log(System.Logger.Level.WARNING, "control record " + control);
                Thread.sleep(3000);
                List<String> logs = tap.lines();
                List<String> topic = logsTopic(kafka);
                List<String> index = rows("SELECT row_to_json(t)::text FROM admin_logs t UNION ALL "
                                          + "SELECT row_to_json(t)::text FROM admin_audit t");
                for (List<String> place : List.of(logs, topic, index)) {
                    assertThat("the control record was captured", place.stream().anyMatch(l -> l.contains(control)), is(true));
                }
                assertThat("error bodies seen " + errorBodies.size(), errorBodies.size() >= 8, is(true));
                List<String> findings = new ArrayList<>();
                scan("log record or console", logs, findings);
                scan("error body", errorBodies, findings);
                scan("logs topic", topic, findings);
                scan("admin log index / audit", index, findings);
                assertThat(secrets.size() + " secrets scanned", findings, is(empty()));
            } finally {
                node.close();
                lnurl.stop();
            }
        }
    }

    private void wallet(int lnurlPort) throws Exception {
        String t1 = secret("token for create", node.mint().mintToken(2000));
        String key = secret("key from a token", json(post("/v1/wallet/create", "{\"cashu_token\":\"" + t1 + "\"}")).get("api_key").asText());
        ok(post("/v1/chat/completions", CHAT, "Authorization", "Bearer " + key));
        post("/v1/wallet/create", "{\"cashu_token\":\"" + t1 + "\"}");
        post("/v1/chat/completions", CHAT, "Authorization", "Bearer " + key + "x");
        post("/v1/chat/completions", CHAT, "Authorization", "Bearer " + key, "X-Cashu", t1);
        String bearer = secret("cashu bearer", node.mint().mintToken(500));
        ok(post("/v1/chat/completions", CHAT, "Authorization", "Bearer " + bearer));
        String xcashu = secret("x-cashu token", node.mint().mintToken(500));
        HttpResponse<String> paid = ok(post("/v1/chat/completions", CHAT, "X-Cashu", xcashu));
        secret("x-cashu change", paid.headers().firstValue("X-Cashu").orElseThrow());
        post("/v1/chat/completions", CHAT, "X-Cashu", xcashu);
        post("/v1/wallet/topup", "{\"cashu_token\":\"" + xcashu + "\"}", "Authorization", "Bearer " + key);
        settle(key);
        secret("refund token", json(ok(post("/v1/wallet/refund", "{}", "Authorization", "Bearer " + key))).get("token").asText());
        post("/v1/wallet/refund", "{}", "Authorization", "Bearer " + key);

        String t4 = secret("token with refund address", node.mint().mintToken(300));
        String lnKey = secret("key with refund address", json(ok(post("/v1/wallet/create", "{\"cashu_token\":\"" + t4 + "\"}",
                "Refund-LNURL", "user@127.0.0.1:" + lnurlPort))).get("api_key").asText());
        ok(post("/v1/wallet/refund", "{}", "Authorization", "Bearer " + lnKey));

        JsonNode inv = json(ok(post("/lightning/invoice", "{\"amount_sats\":100,\"purpose\":\"create\"}")));
        String bolt11 = secret("lightning invoice", inv.get("bolt11").asText());
        String lightningKey = null;
        for (int i = 0; i < 100 && lightningKey == null; i++) {
            JsonNode st = json(get("/lightning/invoice/" + inv.get("invoice_id").asText() + "/status", null));
            lightningKey = st.hasNonNull("api_key") ? st.get("api_key").asText() : null;
            Thread.sleep(100);
        }
        assertThat("the Lightning top-up issued a key", lightningKey != null, is(true));
        secret("lightning key", lightningKey);
        post("/lightning/recover", "{\"bolt11\":\"" + bolt11 + "\"}");
        post("/lightning/recover", "{\"bolt11\":\"" + bolt11 + "x\"}");
    }

    private void admin() throws Exception {
        String otp = secret("admin one-time password", Authenticator.takeFirstPassword().orElse("no one-time password was made"));
        post("/admin/api/auth/login", "{\"username\":\"admin\",\"password\":\"" + otp + "x\"}");
        String[] s = login(otp);
        String fresh = secret("admin password", "correct horse battery " + UUID.randomUUID());
        post("/admin/api/auth/password", Json.mapper().writeValueAsString(Map.of("current_password", otp + "y", "new_password", fresh)),
             session(s));
        ok(post("/admin/api/auth/password", Json.mapper().writeValueAsString(Map.of("current_password", otp, "new_password", fresh)),
                session(s)));
        post("/admin/api/auth/login", Json.mapper().writeValueAsString(Map.of("username", "admin", "password", fresh + "z")));
        s = login(fresh);
        String nsec = secret("nsec", Keys.generate().nsec());
        ok(patch("/admin/api/settings", Json.mapper().writeValueAsString(Map.of("nostr-nsec", nsec)), session(s)));
        patch("/admin/api/settings", Json.mapper().writeValueAsString(Map.of("nostr-nsec", nsec.substring(0, nsec.length() - 2))), session(s));
        String providerKey = secret("provider key set in admin", "sk-or-v1-" + UUID.randomUUID().toString().replace("-", ""));
        post("/admin/api/providers", Json.mapper().writeValueAsString(Map.of("slug", "other", "base_url", "http://127.0.0.1:9/v1",
                "api_key", providerKey)), session(s));
        post("/admin/api/providers/other/test", "{}", session(s));
        String token = secret("admin api token", json(ok(post("/admin/api/auth/tokens", "{\"name\":\"ci\"}", session(s))))
                .get("token").asText());
        ok(get("/admin/api/overview", token));
        get("/admin/api/overview", token + "x");
        get("/admin/api/logs", token);
    }

    private String[] login(String password) throws Exception {
        HttpResponse<String> r = ok(post("/admin/api/auth/login", Json.mapper().writeValueAsString(Map.of("username", "admin",
                "password", password))));
        String cookie = r.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        secret("session cookie", cookie.substring(cookie.indexOf('=') + 1));
        return new String[] {cookie, json(r).get("csrf_token").asText()};
    }

    private static String[] session(String[] s) {
        return new String[] {"Cookie", s[0], "X-CSRF-Token", s[1]};
    }

    private void settle(String key) throws Exception {
        for (int i = 0; i < 200 && json(get("/v1/wallet/balance", key)).path("reserved").asLong(1) > 0; i++) {
            Thread.sleep(100);
        }
    }

    private String secret(String what, String value) {
        secrets.put(what, value);
        return value;
    }

    /** A secret is found when it appears whole, or a 24-character middle piece of it does (a prefix-less copy). */
    private void scan(String where, List<String> texts, List<String> findings) {
        for (var e : secrets.entrySet()) {
            String v = e.getValue();
            String piece = v.length() >= 40 ? v.substring(12, 36) : v;
            for (String t : texts) {
                int at = t.indexOf(piece);
                if (at >= 0) {
                    String around = t.substring(Math.max(0, at - 160), Math.min(t.length(), at + piece.length() + 60));
                    findings.add(e.getKey() + " in " + where + ": " + around.replace(piece, "<" + e.getKey() + ">"));
                    break;
                }
            }
        }
    }

    private List<String> logsTopic(KafkaSettings kafka) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "secrets-test-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(Topics.LOGS));
            long quietSince = System.nanoTime();
            while (System.nanoTime() - quietSince < Duration.ofSeconds(4).toNanos()) {
                var batch = c.poll(Duration.ofMillis(500));
                for (ConsumerRecord<String, byte[]> r : batch) {
                    out.add(new String(r.value(), StandardCharsets.UTF_8));
                }
                if (!batch.isEmpty()) {
                    quietSince = System.nanoTime();
                }
            }
        }
        assertThat("the logs topic carried records", out.isEmpty(), is(false));
        return out;
    }

    private List<String> rows(String sql) {
        return Db.withConnection(node.dataSource(), c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    /** A Lightning address on 127.0.0.1 whose invoices are mint quotes of another test mint (the primary's melt pays them). */
    private static WebServer lightningAddress(TestMint invoicer) {
        CashuWallet w = new CashuWallet(MintClient.create(invoicer.url()));
        int[] port = new int[1];
        WebServer s = WebServer.builder().host("127.0.0.1").port(0).routing(r -> r
                .get("/.well-known/lnurlp/{user}", (req, res) -> res.header("Content-Type", "application/json")
                        .send(Json.bytes(Json.object().put("tag", "payRequest").put("minSendable", 1000).put("maxSendable", 100_000_000_000L)
                                .put("callback", "http://127.0.0.1:" + port[0] + "/callback").put("metadata", "[]"))))
                .get("/callback", (req, res) -> res.header("Content-Type", "application/json").send(Json.bytes(Json.object()
                        .put("pr", w.requestMintQuote(Long.parseLong(req.query().get("amount")) / 1000, "sat").request())))))
                .build().start();
        port[0] = s.port();
        return s;
    }

    private HttpResponse<String> ok(HttpResponse<String> r) {
        assertThat(r.uri() + " " + r.body(), r.statusCode() / 100, is(2));
        return r;
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.mapper().readTree(r.body());
    }

    private HttpResponse<String> get(String path, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node.url() + path)).timeout(Duration.ofSeconds(60)).GET();
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return sent(b);
    }

    private HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        return sent(with(HttpRequest.newBuilder(URI.create(node.url() + path)).POST(HttpRequest.BodyPublishers.ofString(body)), headers));
    }

    private HttpResponse<String> patch(String path, String body, String... headers) throws Exception {
        return sent(with(HttpRequest.newBuilder(URI.create(node.url() + path)).method("PATCH", HttpRequest.BodyPublishers.ofString(body)),
                         headers));
    }

    private static HttpRequest.Builder with(HttpRequest.Builder b, String... headers) {
        b.timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b;
    }

    private HttpResponse<String> sent(HttpRequest.Builder b) throws Exception {
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 400) {
            errorBodies.add(r.statusCode() + " " + r.uri().getPath() + " " + r.body() + " " + r.headers().map());
        }
        return r;
    }
}
