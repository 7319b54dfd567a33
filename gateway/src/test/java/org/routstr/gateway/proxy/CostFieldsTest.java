package org.routstr.gateway.proxy;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.routstr.common.json.Json;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.gateway.GatewayFixture;
import org.routstr.testsupport.RealInfra;
import org.routstr.testsupport.TestDb;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * The reference's cost fields in bodies and in the last stream event ({@code usage.cost}, {@code cost_sats},
 * {@code remaining_balance_msats} = the balance once the request settles, before billing has settled it), and an upstream
 * 429 answered as {@code rate_limit_error} with the upstream's rate-limit headers.
 */
@RealInfra
class CostFieldsTest {
    private static final long FUNDS = 10_000_000;
    private static final long CHAT = GatewayFixture.msat(4, "30") + GatewayFixture.msat(10, "60");
    private static GatewayFixture f;

    @BeforeAll
    static void start(TestDb db, KafkaSettings kafka) {
        f = new GatewayFixture(db, kafka, Map.of());
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    private static final String CHAT_BODY = "{\"model\":\"standin-gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"ping from the sdk\"}]";

    @Test
    void plainBodyCarriesCostSatsAndTheRemainingBalance() throws Exception {
        String key = f.fundedKey(FUNDS);
        HttpResponse<String> r = f.post("/v1/chat/completions", key, CHAT_BODY + "}");
        JsonNode u = Json.mapper().readTree(r.body()).path("usage");
        assertThat(u.at("/cost/total_msats").asLong(), is(CHAT));
        assertThat(u.path("cost_sats").decimalValue(), is(BigDecimal.valueOf(CHAT).divide(BigDecimal.valueOf(1000))));
        assertThat(u.path("remaining_balance_msats").asLong(), is(FUNDS - CHAT));
    }

    /** Money that leaves the account while a request runs (a refund here) shows in that request's remaining balance. */
    @Test
    void theRemainingBalanceCountsWhatChangedWhileTheRequestRan() throws Exception {
        String key = f.fundedKey(FUNDS);
        var slow = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return f.post("/v1/chat/completions", key, CHAT_BODY + "}", "x-standin-mode", "slow", "x-standin-delay-ms", "1500");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        org.routstr.ledger.Ledger ledger = new org.routstr.ledger.Ledger(f.db.dataSource());
        String hash = org.routstr.common.keys.ApiKeys.hash(key);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (ledger.account(hash).orElseThrow().reservedMsat() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat("the request holds its reservation", ledger.account(hash).orElseThrow().reservedMsat() > 0, is(true));
        assertThat(ledger.debit(hash, java.util.Optional.of(1_000_000L), org.routstr.ledger.DebitKind.REFUND, "refund:" + key,
                                "test refund").toString(), ledger.account(hash).orElseThrow().balanceMsat(), is(FUNDS - 1_000_000));
        JsonNode u = Json.mapper().readTree(slow.get(30, java.util.concurrent.TimeUnit.SECONDS).body()).path("usage");
        assertThat(u.at("/cost/total_msats").asLong(), is(CHAT));
        assertThat(u.path("remaining_balance_msats").asLong(), is(FUNDS - 1_000_000 - CHAT));
    }

    @Test
    void lastStreamChunkCarriesThemToo() throws Exception {
        String key = f.fundedKey(FUNDS);
        HttpResponse<String> r = f.post("/v1/chat/completions", key, CHAT_BODY + ",\"stream\":true}");
        String last = r.body().lines().filter(l -> l.contains("remaining_balance_msats")).findFirst().orElseThrow();
        JsonNode u = Json.mapper().readTree(last.substring(6)).path("usage");
        assertThat(u.at("/cost/total_msats").asLong(), is(CHAT));
        assertThat(u.path("remaining_balance_msats").asLong(), is(FUNDS - CHAT));
    }

    @Test
    void messagesCarryThem() throws Exception {
        String key = f.fundedKey(FUNDS);
        HttpResponse<String> r = f.post("/v1/messages", key, "{\"model\":\"standin-gpt\",\"max_tokens\":50,"
                                                              + "\"messages\":[{\"role\":\"user\",\"content\":\"ping from the sdk\"}]}");
        JsonNode u = Json.mapper().readTree(r.body()).path("usage");
        assertThat(r.body(), u.path("remaining_balance_msats").asLong(), is(FUNDS - u.at("/cost/total_msats").asLong()));
        assertThat(u.at("/cost/total_msats").asLong(), is(CHAT));
    }

    @Test
    void upstream429KeepsItsTypeAndHeaders() throws Exception {
        String key = f.fundedKey(FUNDS);
        HttpResponse<String> r = f.post("/v1/chat/completions", key, CHAT_BODY + "}", "x-standin-mode", "fail429");
        assertThat(r.statusCode(), is(429));
        assertThat(Json.mapper().readTree(r.body()).at("/error/type").asText(), is("rate_limit_error"));
        assertThat(r.headers().firstValue("x-ratelimit-remaining-requests").orElseThrow(), is("0"));
        assertThat(r.headers().firstValue("retry-after").orElseThrow(), is("1"));
    }
}
