package org.routstr.gateway.proxy;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.routstr.common.db.Db;
import org.routstr.common.events.UsageEvent;
import org.routstr.common.json.Json;
import org.routstr.common.keys.ApiKeys;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.gateway.GatewayFixture;
import org.routstr.gateway.StandinWallet;
import org.routstr.gateway.UsageEvents;
import org.routstr.ledger.Ledger;
import org.routstr.testsupport.RealInfra;
import org.routstr.testsupport.TestDb;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

/**
 * X-Cashu's money rules at the gateway: a bad request never redeems the token; once redeemed, any failure returns the whole
 * value; a failed change never replaces a served response; an aborted stream still issues its change; a release that fails
 * in the database still publishes the failed event. Database failures are real: a trigger raises for one key.
 */
@RealInfra
class XCashuTest {
    private static final String CHAT = "{\"model\":\"standin-gpt\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static GatewayFixture f;
    private static StandinWallet wallet;
    private static KafkaSettings kafka;

    @BeforeAll
    static void start(TestDb db, KafkaSettings k) {
        kafka = k;
        wallet = new StandinWallet(new Ledger(db.dataSource()));
        Map<String, String> config = new java.util.HashMap<>(wallet.config());
        config.put("gateway.max-request-bytes", "65536");
        f = new GatewayFixture(db, k, config);
        sql("CREATE TABLE IF NOT EXISTS test_db_blips (key_hash TEXT NOT NULL, op TEXT NOT NULL)");
        sql("""
            CREATE OR REPLACE FUNCTION test_db_blip() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF EXISTS (SELECT 1 FROM test_db_blips b WHERE b.key_hash = NEW.key_hash
                           AND (b.op = TG_OP OR b.op = 'RELEASE' AND TG_OP = 'UPDATE' AND NEW.status = 'released')) THEN
                    RAISE EXCEPTION 'test database blip for %', NEW.key_hash;
                END IF;
                RETURN NEW;
            END $$""");
        sql("DROP TRIGGER IF EXISTS test_db_blip ON reservations");
        sql("CREATE TRIGGER test_db_blip BEFORE INSERT OR UPDATE ON reservations FOR EACH ROW EXECUTE FUNCTION test_db_blip()");
    }

    @AfterAll
    static void stop() {
        sql("DROP TRIGGER IF EXISTS test_db_blip ON reservations");
        f.close();
        wallet.close();
    }

    @Test
    void badRequestsAreRefusedBeforeTheTokenIsRedeemed() throws Exception {
        int redeems = wallet.redeemed().size();
        String token = StandinWallet.token(1_000);
        assertError(f.post("/v1/chat/completions", null, "{\"model\":", "X-Cashu", token), 400, "invalid_json");
        assertError(f.post("/v1/chat/completions", null, "{\"model\":\"nope\",\"messages\":[]}", "X-Cashu", token), 400,
                    "model_not_found");
        assertError(f.post("/v1/chat/completions", null, CHAT.replace("20", "\"x\""), "X-Cashu", token), 400, "invalid_max_tokens");
        assertError(f.post("/v1/chat/completions", null, "[1]", "X-Cashu", token), 400, "invalid_request");
        assertError(f.post("/v1/chat/completions", null, "{\"model\":\"standin-gpt\",\"messages\":[{\"content\":\""
                                                         + "x".repeat(70_000) + "\"}]}", "X-Cashu", token), 413,
                    "request_too_large");
        // worth less than the worst case: 1 sat against 20 completion tokens
        assertError(f.post("/v1/chat/completions", null, CHAT, "X-Cashu", StandinWallet.token(1)), 402, "insufficient_balance");
        assertThat("no request above redeemed its token", wallet.redeemed().size(), is(redeems));
        assertThat(f.post("/v1/chat/completions", null, CHAT, "X-Cashu", token).statusCode(), is(200));
        assertThat(wallet.redeemed().size(), is(redeems + 1));
    }

    @Test
    void messagesAreCheckedAndPricedBeforeTheTokenIsRedeemed() throws Exception {
        String msg = "{\"model\":\"standin-gpt\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        String token = StandinWallet.token(1_000);
        int redeems = wallet.redeemed().size();
        assertError(f.post("/v1/messages", null, msg.replace("20", "\"x\""), "X-Cashu", token), 400, "invalid_max_tokens");
        assertError(f.post("/v1/messages", null, "{\"model\":\"nope\",\"max_tokens\":5,\"messages\":[]}", "X-Cashu", token), 400,
                    "model_not_found");
        assertError(f.post("/v1/messages", null, msg, "X-Cashu", StandinWallet.token(1)), 402, "insufficient_balance");
        HttpResponse<String> counted = f.post("/v1/messages/count_tokens", null, msg, "X-Cashu", token);
        assertThat(counted.body(), counted.statusCode(), is(200));
        assertThat("counting is free: the token comes back unspent", counted.headers().firstValue("x-cashu").orElseThrow(), is(token));
        assertThat("no request above redeemed its token", wallet.redeemed().size(), is(redeems));
        HttpResponse<String> served = f.post("/v1/messages", null, msg, "X-Cashu", token);
        assertThat(served.body(), served.statusCode(), is(200));
        assertThat(wallet.redeemed().size(), is(redeems + 1));
        assertThat(served.headers().firstValue("x-cashu").orElseThrow(), startsWith("cashuBchange-for-"));
    }

    @Test
    void anyFailureAfterTheRedeemReturnsTheWholeValue() throws Exception {
        String token = StandinWallet.token(1_000);
        blip(token, "INSERT");
        HttpResponse<String> r = f.post("/v1/chat/completions", null, CHAT, "X-Cashu", token);
        assertError(r, 500, "internal_error");
        assertThat(r.body(), not(containsString("blip")));
        String refund = r.headers().firstValue("x-cashu").orElseThrow(() -> new AssertionError("no refund: " + r.headers()));
        assertThat(refund, startsWith("cashuBchange-for-"));
        JsonNode asked = wallet.changes().getLast();
        assertThat(asked.path("key_hash").asText(), is(ApiKeys.hash(token)));
        assertThat(refund, is("cashuBchange-for-" + asked.path("request_id").asText()));
    }

    @Test
    void aFailedChangeNeverReplacesTheServedResponse() throws Exception {
        String token = StandinWallet.token(1_000);
        wallet.failChange(token);
        HttpResponse<String> r = f.post("/v1/chat/completions", null, CHAT, "X-Cashu", token);
        assertThat(r.body(), r.statusCode(), is(200));
        assertThat(Json.mapper().readTree(r.body()).at("/choices/0/message/content").asText(), containsString("stand-in"));
        assertThat(r.headers().firstValue("x-cashu").isPresent(), is(false));
        assertThat("the change was asked for", wallet.changes().stream()
                .anyMatch(c -> c.path("key_hash").asText().equals(ApiKeys.hash(token))), is(true));

        String streamToken = StandinWallet.token(1_000);
        wallet.failChange(streamToken);
        HttpResponse<String> s = f.post("/v1/chat/completions", null, CHAT.replace("\"max_tokens\"", "\"stream\":true,\"max_tokens\""),
                                        "X-Cashu", streamToken);
        assertThat(s.statusCode(), is(200));
        assertThat(s.body(), containsString("\"total_msats\""));
        assertThat(s.body().strip(), org.hamcrest.Matchers.endsWith("data: [DONE]"));
    }

    @Test
    void anAbortedStreamStillIssuesItsChange() throws Exception {
        String token = StandinWallet.token(1_000);
        HttpRequest req = HttpRequest.newBuilder(URI.create(f.url() + "/v1/chat/completions"))
                .header("X-Cashu", token).header("x-standin-mode", "slow").header("x-standin-delay-ms", "50")
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
        String hash = ApiKeys.hash(token);
        UsageEvent served = UsageEvents.of(kafka, hash, 1, Duration.ofSeconds(20)).getFirst();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (wallet.changes().stream().noneMatch(c -> c.path("key_hash").asText().equals(hash)) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        List<JsonNode> asked = wallet.changes().stream().filter(c -> c.path("key_hash").asText().equals(hash)).toList();
        assertThat("change issued for the aborted stream", asked.size(), is(1));
        assertThat(asked.getFirst().path("request_id").asText(), is(served.requestId()));
    }

    @Test
    void aReleaseThatFailsStillPublishesTheFailedEventAndTheClientGetsItsError() throws Exception {
        String key = f.fundedKey(10_000_000);
        blipKey(ApiKeys.hash(key), "RELEASE");
        HttpResponse<String> r = f.post("/v1/chat/completions", key, CHAT, "x-standin-mode", "fail500");
        assertError(r, 502, "upstream_unavailable");
        List<UsageEvent> events = UsageEvents.of(kafka, ApiKeys.hash(key), 1, Duration.ofSeconds(20));
        assertThat("billing learns the request failed and releases it", events.size(), is(1));
        assertThat(events.getFirst().pricing(), is("failed"));
        assertThat(events.getFirst().costMsat(), is(0L));
        // the reservation is still active: the database refused every attempt, so only the event can release it
        assertThat(Db.withConnection(f.db.dataSource(), c -> {
            try (var ps = c.prepareStatement("SELECT count(*) FROM reservations WHERE key_hash = ? AND status = 'active'")) {
                ps.setString(1, ApiKeys.hash(key));
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        }), is(1L));
    }

    private static org.hamcrest.Matcher<String> not(org.hamcrest.Matcher<String> m) {
        return org.hamcrest.Matchers.not(m);
    }

    private static void blip(String token, String op) {
        blipKey(ApiKeys.hash(token), op);
    }

    private static void blipKey(String hash, String op) {
        Db.withConnection(f.db.dataSource(), c -> {
            try (var ps = c.prepareStatement("INSERT INTO test_db_blips (key_hash, op) VALUES (?, ?)")) {
                ps.setString(1, hash);
                ps.setString(2, op);
                return ps.executeUpdate();
            }
        });
    }

    private static void sql(String sql) {
        Db.withConnection(f.db.dataSource(), c -> {
            try (Statement s = c.createStatement()) {
                return s.executeUpdate(sql);
            }
        });
    }

    private static void assertError(HttpResponse<String> r, int status, String code) throws Exception {
        assertThat(r.body(), r.statusCode(), is(status));
        assertThat(r.body(), Json.mapper().readTree(r.body()).at("/error/code").asText(), is(code));
    }
}
