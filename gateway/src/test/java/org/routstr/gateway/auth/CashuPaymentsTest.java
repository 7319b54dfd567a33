package org.routstr.gateway.auth;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.routstr.common.json.Json;
import org.routstr.common.keys.ApiKeys;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.gateway.GatewayFixture;
import org.routstr.ledger.NewAccount;
import org.routstr.testsupport.RealInfra;
import org.routstr.testsupport.TestDb;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * Cashu bearer tokens and X-Cashu through WalletClient (contract 1), against a stand-in wallet-service on a local socket that
 * credits real ledger accounts; and the front door forwarding to a stand-in backend.
 */
@RealInfra
class CashuPaymentsTest {
    private static final String SECRET = "internal-secret";
    private static final AtomicInteger REDEEMS = new AtomicInteger();
    private static WebServer wallet;
    private static GatewayFixture f;

    @BeforeAll
    static void start(TestDb db, KafkaSettings kafka) {
        wallet = WebServer.builder().host("127.0.0.1").port(0)
                .routing(r -> r.post("/internal/redeem", (req, res) -> redeem(db, req, res))
                        .post("/internal/x-cashu/redeem", (req, res) -> redeem(db, req, res))
                        .post("/internal/x-cashu/change", CashuPaymentsTest::change)
                        .get("/v1/balance/info", (req, res) -> res.header(HeaderNames.CONTENT_TYPE, "application/json")
                                .send(Json.bytes(Map.of("path", req.path().path(), "query", req.query().rawValue(),
                                                        "auth", req.headers().first(HeaderNames.AUTHORIZATION).orElse(""))))))
                .build().start();
        f = new GatewayFixture(db, kafka, Map.of("internal.token", SECRET,
                                                 "gateway.routes.wallet", "http://127.0.0.1:" + wallet.port(),
                                                 "gateway.routes.admin", "http://127.0.0.1:9"));
    }

    @AfterAll
    static void stop() {
        f.close();
        wallet.stop();
    }

    private static void redeem(TestDb db, ServerRequest req, ServerResponse res) {
        if (!SECRET.equals(req.headers().first(HeaderNames.create("X-Routstr-Internal")).orElse(""))) {
            res.status(Status.FORBIDDEN_403).send();
            return;
        }
        JsonNode body = Json.parse(req.content().as(byte[].class));
        String token = body.path("token").asText();
        if (token.startsWith("cashuBAD")) {
            res.status(Status.BAD_REQUEST_400).header(HeaderNames.CONTENT_TYPE, "application/json")
                    .send("{\"error\":{\"message\":\"Invalid Cashu token\",\"type\":\"invalid_token\",\"code\":\"invalid_cashu_token\"}}"
                                  .getBytes(StandardCharsets.UTF_8));
            return;
        }
        REDEEMS.incrementAndGet();
        // as wallet-service does now: a bearer token becomes an sk- key, whose hash is the account
        String hash = token.startsWith("cashuAsk") ? ApiKeys.hash("sk-of-" + token) : ApiKeys.hash(token);
        f.ledger.open(NewAccount.of(hash));
        f.ledger.credit(hash, 5_000_000, "redeem:" + hash, "test token");
        res.header(HeaderNames.CONTENT_TYPE, "application/json").send(Json.bytes(Map.of("key_hash", hash, "balance_msat", 5_000_000)));
    }

    private static void change(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json")
                .send(Json.bytes(Map.of("token", "cashuBchange-for-" + Json.parse(req.content().as(byte[].class)).path("request_id").asText(),
                                        "amount_msat", 1000)));
    }

    @Test
    void cashuBearerRedeemsOnceThenActsAsAKey() throws Exception {
        String token = "cashuAeyJ0b2tlbiI6W119" + System.nanoTime();
        int before = REDEEMS.get();
        assertThat(f.post("/v1/chat/completions", token, "{\"model\":\"standin-gpt\",\"messages\":[]}").statusCode(), is(200));
        assertThat(f.post("/v1/chat/completions", token, "{\"model\":\"standin-gpt\",\"messages\":[]}").statusCode(), is(200));
        assertThat(REDEEMS.get(), is(before + 1));
    }

    @Test
    void cashuBearerPaysFromTheAccountTheWalletNamed() throws Exception {
        String token = "cashuAsk" + System.nanoTime();
        assertThat(f.post("/v1/chat/completions", token, "{\"model\":\"standin-gpt\",\"messages\":[]}").statusCode(), is(200));
        assertThat(f.post("/v1/chat/completions", token, "{\"model\":\"standin-gpt\",\"messages\":[]}").statusCode(), is(200));
        assertThat("both requests reserved on the wallet's key", f.ledger.account(ApiKeys.hash("sk-of-" + token)).orElseThrow()
                .requests(), is(2L));
    }

    @Test
    void walletErrorsPassThroughUnchanged() throws Exception {
        HttpResponse<String> r = f.post("/v1/chat/completions", "cashuBADtoken", "{\"model\":\"standin-gpt\",\"messages\":[]}");
        assertThat(r.statusCode(), is(400));
        assertThat(Json.mapper().readTree(r.body()).at("/error/code").asText(), is("invalid_cashu_token"));
    }

    @Test
    void xCashuPaysAndReturnsChange() throws Exception {
        HttpResponse<String> r = f.post("/v1/chat/completions", null, "{\"model\":\"standin-gpt\",\"messages\":[]}",
                                        "X-Cashu", "cashuBxcashu" + System.nanoTime());
        assertThat(r.body(), r.statusCode(), is(200));
        assertThat(r.headers().firstValue("x-cashu").orElseThrow().startsWith("cashuBchange-for-"), is(true));
        HttpResponse<String> s = f.post("/v1/chat/completions", null, "{\"model\":\"standin-gpt\",\"stream\":true,\"messages\":[]}",
                                        "X-Cashu", "cashuBxcashu" + System.nanoTime());
        assertThat(s.body().contains("\"x_cashu_change\":\"cashuBchange-for-"), is(true));
    }

    @Test
    void frontDoorForwardsToTheWalletService() throws Exception {
        HttpResponse<String> r = f.http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(f.url() + "/v1/balance/info?x=1")).header("authorization", "Bearer sk-abc").GET().build(),
                                             HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode(), is(200));
        JsonNode b = Json.mapper().readTree(r.body());
        assertThat(b.path("path").asText(), is("/v1/balance/info"));
        assertThat(b.path("query").asText(), is("x=1"));
        assertThat(b.path("auth").asText(), is("Bearer sk-abc"));
        assertThat(r.headers().firstValue("x-routstr-request-id").isPresent(), is(true));
        assertThat(f.get("/admin/api/x").statusCode(), is(503));
    }
}
