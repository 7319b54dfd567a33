package org.routstr.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.routstr.common.db.Db;
import org.routstr.common.json.Json;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.common.keys.ApiKeys;
import org.routstr.common.server.RunningService;
import org.routstr.crypto.cashu.client.CashuWallet;
import org.routstr.crypto.cashu.client.MintClient;
import org.routstr.crypto.cashu.nut00.Token;
import org.routstr.crypto.cashu.nut00.TokenCodec;
import org.routstr.crypto.cashu.nut07.ProofStateValue;
import org.routstr.ledger.Account;
import org.routstr.ledger.Ledger;
import org.routstr.standin.StandinUpstream;
import org.routstr.testmint.TestMint;
import org.routstr.testsupport.RealInfra;
import org.routstr.testsupport.TestDb;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Issue 6's payments end to end: the real gateway calling the real wallet-service (contract 1), billing settling from Kafka,
 * the real-crypto test mint and the stand-in upstream, on PostgreSQL; every case checks the money to the msat.
 * An X-Cashu token that cannot pay the request's worst case is refused before it is redeemed (case 5); one redeemed for a
 * request that is then not served (502) comes back whole in {@code X-Cashu} and from {@code /v1/balance/refund}.
 */
@RealInfra
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PaymentsThroughGatewayTest {
    private static final String INTERNAL = "payments-e2e-internal-secret";
    private static final Duration SETTLE = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String CHAT = "{\"model\":\"standin-gpt\",\"max_tokens\":200,"
                                       + "\"messages\":[{\"role\":\"user\",\"content\":\"pay me with ecash\"}]}";
    private static final String CHAT_STREAM = "{\"model\":\"standin-gpt\",\"max_tokens\":200,\"stream\":true,"
                                              + "\"messages\":[{\"role\":\"user\",\"content\":\"stream me with ecash\"}]}";

    private static TestMint mint;
    private static StandinUpstream upstream;
    private static final List<RunningService> SERVICES = new ArrayList<>();
    private static RunningService gateway;
    private static DataSource ds;
    private static Ledger ledger;
    private static String api;

    @BeforeAll
    static void start(TestDb db, KafkaSettings kafka) throws InterruptedException {
        mint = TestMint.start();
        upstream = StandinUpstream.start("127.0.0.1", 0);
        ds = db.dataSource();
        ledger = new Ledger(ds);
        Map<String, String> shared = Map.of("db.url", db.settings().url(), "db.user", db.settings().user(),
                                            "db.password", db.settings().password(),
                                            "kafka.bootstrap-servers", kafka.bootstrapServers(), "internal.token", INTERNAL);
        Map<String, String> defaults = new HashMap<>();
        defaults.put("wallet.trusted-mints", mint.url());
        defaults.put("wallet.mint-timeout", "PT5S");
        // the loopback test mints (and the dead foreign one below) are http on 127.0.0.1: the operator allowance tests use
        defaults.put("wallet.allowed-hosts", "127.0.0.1");
        defaults.put("billing.fixed-usd-per-btc", DemoMode.DEMO_USD_PER_BTC);
        defaults.put("billing.consumer.group", "billing-payments-e2e");
        defaults.put("gateway.secret-key", "payments-e2e-secret-key");
        String p = "gateway.providers.0.";
        defaults.put(p + "slug", "standin");
        defaults.put(p + "base-url", upstream.url() + "/v1");
        defaults.put(p + "models.0.id", "standin-gpt");
        defaults.put(p + "models.0.input-usd-per-m", "2.50");
        defaults.put(p + "models.0.output-usd-per-m", "10.00");
        ServiceConfigs configs = new ServiceConfigs(Optional.empty(), shared, defaults);
        Map<String, String> loopback = Map.of("server.host", "127.0.0.1", "server.port", "0");
        SERVICES.add(org.routstr.billing.Main.start(configs.compose(org.routstr.billing.Main.class, loopback)));
        RunningService wallet = org.routstr.wallet.Main.start(configs.compose(org.routstr.wallet.Main.class, loopback));
        SERVICES.add(wallet);
        // billing stores the fixed rate at start; the gateway reads it once, so it starts after the row exists
        awaitTrue("btc_rate stored by billing", () -> scalar("SELECT count(*) FROM btc_rate") > 0);
        Map<String, String> front = new HashMap<>(loopback);
        front.put("gateway.routes.wallet", "http://127.0.0.1:" + wallet.port());
        front.put("gateway.routes.admin", "http://127.0.0.1:9");
        front.put("gateway.routes.discovery", "http://127.0.0.1:9");
        gateway = org.routstr.gateway.Main.start(configs.compose(org.routstr.gateway.Main.class, front));
        api = "http://127.0.0.1:" + gateway.port();
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.stop();
        }
        for (RunningService s : SERVICES.reversed()) {
            s.stop();
        }
        if (upstream != null) {
            upstream.close();
        }
        if (mint != null) {
            mint.close();
        }
    }

    @Test
    @Order(1)
    void xCashuPaysAndReturnsTheChangeInTheHeader() throws Exception {
        String token = mint.mintToken(500);
        long proofsBefore = unspentProofsMsat();
        HttpResponse<String> r = post("/v1/chat/completions", CHAT, "X-Cashu", token);
        assertThat(r.body(), r.statusCode(), is(200));
        assertThat(Json.mapper().readTree(r.body()).at("/choices/0/message/content").asText(),
                   containsString("pay me with ecash"));
        long cost = Long.parseLong(r.headers().firstValue("X-Routstr-Cost-Msats").orElseThrow());
        assertThat(Json.mapper().readTree(r.body()).at("/usage/cost/total_msats").asLong(), is(cost));
        assertThat(cost, greaterThan(0L));
        assertThat(cost, lessThan(500_000L));

        String change = r.headers().firstValue("X-Cashu")
                .orElseThrow(() -> new AssertionError("no change header: " + r.headers()));
        Token t = TokenCodec.decode(change);
        assertThat(t.mint(), is(mint.url()));
        assertThat(t.unit(), is("sat"));
        assertMoney(token, 500_000L, cost, t.amount());
        // the wallet received the 500 sat and paid out exactly the change: it keeps the cost plus the sub-sat remainder
        assertThat(unspentProofsMsat() - proofsBefore, is(500_000L - t.amount() * 1000));

        // the change is real: unspent at the mint, spendable once
        assertThat(states(t), is(List.of(ProofStateValue.UNSPENT)));
        CashuWallet client = new CashuWallet(MintClient.create(mint.url()));
        long received = client.receive(t, freshSeed(), 0).stream().mapToLong(pr -> pr.amount()).sum();
        assertThat(received, is(t.amount()));
        assertThat(states(t), is(List.of(ProofStateValue.SPENT)));
        assertThrows(RuntimeException.class, () -> client.receive(t, freshSeed(), 0), "the change spends only once");
    }

    @Test
    @Order(2)
    void xCashuStreamsWithTheChangeInTheLastChunkAndTheRefundEndpointReturnsItAgain() throws Exception {
        String token = mint.mintToken(300);
        long proofsBefore = unspentProofsMsat();
        HttpResponse<String> r = post("/v1/chat/completions", CHAT_STREAM, "X-Cashu", token);
        assertThat(r.body(), r.statusCode(), is(200));
        assertThat(r.headers().firstValue("Content-Type").orElse(""), startsWith("text/event-stream"));
        List<JsonNode> events = new ArrayList<>();
        boolean done = false;
        StringBuilder text = new StringBuilder();
        for (String line : r.body().split("\n")) {
            if (!line.startsWith("data: ")) {
                continue;
            }
            String data = line.substring(6).trim();
            assertThat("nothing after [DONE]", done, is(false));
            if (data.equals("[DONE]")) {
                done = true;
                continue;
            }
            JsonNode e = Json.mapper().readTree(data);
            events.add(e);
            text.append(e.at("/choices/0/delta/content").asText(""));
        }
        assertThat(r.body(), done, is(true));
        assertThat(text.toString(), containsString("stream me with ecash"));
        JsonNode last = events.getLast();
        assertThat(last.toString(), last.path("x_cashu_change").asText(), startsWith("cashuB"));
        for (JsonNode e : events.subList(0, events.size() - 1)) {
            assertThat("the change comes once, in the last chunk", e.has("x_cashu_change"), is(false));
        }
        long cost = last.at("/usage/cost/total_msats").asLong();
        assertThat(last.toString(), cost, greaterThan(0L));
        String change = last.path("x_cashu_change").asText();
        Token t = TokenCodec.decode(change);
        assertMoney(token, 300_000L, cost, t.amount());
        assertThat(unspentProofsMsat() - proofsBefore, is(300_000L - t.amount() * 1000));
        assertThat(states(t), is(List.of(ProofStateValue.UNSPENT)));

        // the client lost the change: the refund endpoint, through the front door, returns the same token (not a second one)
        HttpResponse<String> lost = post("/v1/balance/refund", "{}", "X-Cashu", token);
        assertThat(lost.body(), lost.statusCode(), is(200));
        assertThat(Json.mapper().readTree(lost.body()).path("token").asText(), is(change));
        assertThat(lost.headers().firstValue("X-Cashu").orElse(""), is(change));
        assertMoney(token, 300_000L, cost, t.amount());
        assertThat(unspentProofsMsat() - proofsBefore, is(300_000L - t.amount() * 1000));
    }

    @Test
    @Order(3)
    void cashuBearerTwiceRedeemsOnceAndSpendsFromOneAccount() throws Exception {
        String token = mint.mintToken(400);
        long proofsBefore = unspentProofsMsat();
        HttpResponse<String> first = post("/v1/chat/completions", CHAT, "Authorization", "Bearer " + token);
        assertThat(first.body(), first.statusCode(), is(200));
        long cost1 = Long.parseLong(first.headers().firstValue("X-Routstr-Cost-Msats").orElseThrow());
        assertThat(first.headers().firstValue("X-Cashu").isPresent(), is(false));
        HttpResponse<String> second = post("/v1/chat/completions", CHAT, "Authorization", "Bearer " + token);
        assertThat(second.body(), second.statusCode(), is(200));
        long cost2 = Long.parseLong(second.headers().firstValue("X-Routstr-Cost-Msats").orElseThrow());
        assertThat(cost1, greaterThan(0L));
        assertThat(cost2, greaterThan(0L));
        // the token became an sk- key (issue 20): its account is that key's
        String key = Json.mapper().readTree(get("/v1/balance/info", "Authorization", "Bearer " + token).body()).path("api_key").asText();
        assertThat(key, startsWith("sk-"));
        String hash = ApiKeys.hash(key);

        awaitSettled(hash);
        Account a = ledger.account(hash).orElseThrow();
        assertThat(a.balanceMsat(), is(400_000L - cost1 - cost2));
        assertThat(a.spentMsat(), is(cost1 + cost2));
        assertThat(a.reservedMsat(), is(0L));
        assertThat(a.requests(), is(2L));
        assertThat("one deposit, no second credit", ledgerSum(hash, "deposit"), is(400_000L));
        assertThat(ledgerCount(hash, "deposit"), is(1L));
        assertThat(ledgerSum(hash, "charge"), is(-(cost1 + cost2)));
        assertThat(settledCharges(hash), is(cost1 + cost2));
        assertThat("the wallet holds the token's 400 sat", unspentProofsMsat() - proofsBefore, is(400_000L));

        HttpResponse<String> info = get("/v1/balance/info", "Authorization", "Bearer " + token);
        assertThat(info.body(), info.statusCode(), is(200));
        assertThat(Json.mapper().readTree(info.body()).path("balance").asLong(), is(400_000L - cost1 - cost2));
    }

    @Test
    @Order(4)
    void badTokensGetTheirCodesAndMoveNoMoney() throws Exception {
        long balances = totalBalances();
        long proofs = unspentProofsMsat();
        long ledgerRows = scalar("SELECT count(*) FROM ledger");
        long upstreamCalls = upstream.requests();

        String spent = mint.mintToken(8);
        new CashuWallet(MintClient.create(mint.url())).receive(TokenCodec.decode(spent), freshSeed(), 0);
        for (String header : List.of("X-Cashu", "Authorization")) {
            String prefix = header.equals("Authorization") ? "Bearer " : "";
            assertError(post("/v1/chat/completions", CHAT, header, prefix + spent), 400, "cashu_token_already_spent");
            assertError(post("/v1/chat/completions", CHAT, header, prefix + "cashuBnotatoken"), 400, "invalid_cashu_token");
            assertError(post("/v1/chat/completions", CHAT, header, prefix + zeroValueToken()), 400, "cashu_token_zero_value");
            Token good = TokenCodec.decode(mint.mintToken(4));
            // an untrusted mint is swapped from (melt there), so its being down is the source mint's outage
            String deadMint = TokenCodec.encodeV3(new Token("http://127.0.0.1:9", "sat", good.proofs()));
            assertError(post("/v1/chat/completions", CHAT, header, prefix + deadMint), 503, "cashu_source_mint_unreachable");
        }

        assertThat("no balance moved", totalBalances(), is(balances));
        assertThat("no proof moved", unspentProofsMsat(), is(proofs));
        assertThat("no ledger entry", scalar("SELECT count(*) FROM ledger"), is(ledgerRows));
        assertThat("nothing reached the upstream", upstream.requests(), is(upstreamCalls));
    }

    @Test
    @Order(5)
    void xCashuNotServedGivesTheWholeValueBackAsAFreshToken() throws Exception {
        long upstreamCalls = upstream.requests();
        String small = mint.mintToken(2);
        HttpResponse<String> r = post("/v1/chat/completions", CHAT, "X-Cashu", small);
        assertThat(r.body(), r.statusCode(), is(402));
        JsonNode err = Json.mapper().readTree(r.body());
        assertThat(r.body(), err.at("/error/code").asText(), is("insufficient_balance"));
        assertThat(r.body(), err.at("/detail/available_msat").asLong(), is(2_000L));
        assertThat(upstream.requests(), is(upstreamCalls));
        // issue 10: its face value cannot pay the worst case, so the token was never redeemed: still the client's, unspent,
        // no account, no ledger entry, nothing to return
        assertThat(r.headers().firstValue("X-Cashu").isPresent(), is(false));
        assertThat(states(TokenCodec.decode(small)), is(List.of(ProofStateValue.UNSPENT)));
        assertThat(ledger.account(ApiKeys.hash(small)).isPresent(), is(false));
        assertThat(ledgerCount(ApiKeys.hash(small), "deposit"), is(0L));

        String failing = mint.mintToken(300);
        upstream.mode(org.routstr.standin.Mode.FAIL500);
        HttpResponse<String> f;
        try {
            f = post("/v1/chat/completions", CHAT, "X-Cashu", failing);
        } finally {
            upstream.mode(org.routstr.standin.Mode.NORMAL);
        }
        assertThat(f.body(), f.statusCode(), is(502));
        assertThat(f.body(), Json.mapper().readTree(f.body()).at("/error/code").asText(), is("upstream_unavailable"));
        assertThat("the reservation was released, never charged", query(
                "SELECT count(*) FROM reservations WHERE account_hash = ? AND status = 'released' AND charged_msat = 0",
                ApiKeys.hash(failing)), is(1L));

        // the client's token was swapped at the mint when redeemed: the error carries the whole value back as a fresh token,
        // spendable once, and the refund endpoint returns that same token to a client that lost the header
        for (var c : List.of(Map.entry(Map.entry(failing, f), 300L))) {
            String original = c.getKey().getKey();
            String hash = ApiKeys.hash(original);
            String refunded = c.getKey().getValue().headers().firstValue("X-Cashu").orElse("");
            assertThat("refund token in the X-Cashu header", refunded, startsWith("cashuB"));
            Token back = TokenCodec.decode(refunded);
            assertThat(back.amount(), is(c.getValue()));
            assertThat(states(back), is(List.of(ProofStateValue.UNSPENT)));
            Account a = ledger.account(hash).orElseThrow();
            assertThat(a.balanceMsat(), is(0L));
            assertThat(a.reservedMsat(), is(0L));
            assertThat(a.spentMsat(), is(0L));
            assertThat(ledgerSum(hash, "charge"), is(0L));
            assertThat(ledgerSum(hash, "refund"), is(-c.getValue() * 1000));
            HttpResponse<String> lost = post("/v1/balance/refund", "{}", "X-Cashu", original);
            assertThat(lost.body(), lost.statusCode(), is(200));
            assertThat(Json.mapper().readTree(lost.body()).path("token").asText(), is(refunded));
            assertThat("no second payout", ledgerSum(hash, "refund"), is(-c.getValue() * 1000));
        }
    }

    @Test
    @Order(99)
    void conservationUnspentProofsCoverEveryBalance() {
        assertThat(scalar("SELECT count(*) FROM reservations WHERE status = 'active'"), is(0L));
        long balances = totalBalances();
        assertThat(balances, greaterThan(0L));
        // the wallet pays out whole sats, so what it must be able to pay is each balance rounded down to the sat
        long payable = scalar("SELECT coalesce(sum(balance_msat / 1000), 0) FROM accounts WHERE parent_hash IS NULL") * 1000;
        assertThat(unspentProofsMsat(), greaterThanOrEqualTo(payable));
        assertThat(unspentProofsMsat(), greaterThanOrEqualTo(balances));
    }

    /**
     * The X-Cashu money rule: of {@code tokenMsat}, billing charged exactly {@code cost}, the change is every whole sat left,
     * and the sub-sat remainder stays on the token's account; nothing else.
     */
    private static void assertMoney(String token, long tokenMsat, long cost, long changeSat) {
        String hash = ApiKeys.hash(token);
        assertThat(changeSat, is((tokenMsat - cost) / 1000));
        Account a = ledger.account(hash).orElseThrow();
        assertThat(a.balanceMsat(), is((tokenMsat - cost) % 1000));
        assertThat(a.reservedMsat(), is(0L));
        assertThat(a.spentMsat(), is(cost));
        assertThat(ledgerSum(hash, "deposit"), is(tokenMsat));
        assertThat(ledgerSum(hash, "charge"), is(-cost));
        assertThat(ledgerSum(hash, "refund"), is(-changeSat * 1000));
        assertThat(settledCharges(hash), is(cost));
        assertThat(tokenMsat, is(cost + changeSat * 1000 + a.balanceMsat()));
    }

    /** A client wallet's own random seed: deterministic outputs from a reused seed would be "already signed". */
    private static byte[] freshSeed() {
        byte[] seed = new byte[64];
        new java.security.SecureRandom().nextBytes(seed);
        return seed;
    }

    private static List<ProofStateValue> states(Token t) {
        return new CashuWallet(MintClient.create(mint.url())).checkState(t.proofs()).stream()
                .map(s -> s.state()).distinct().toList();
    }

    private static void assertError(HttpResponse<String> r, int status, String code) throws IOException {
        assertThat(r.body(), r.statusCode(), is(status));
        assertThat(r.body(), Json.mapper().readTree(r.body()).at("/error/code").asText(), is(code));
    }

    private static String zeroValueToken() {
        String json = "{\"token\":[{\"mint\":\"" + mint.url() + "\",\"proofs\":[{\"amount\":0,\"id\":\"" + mint.keyset().id()
                      + "\",\"secret\":\"abc\",\"C\":\"02" + "11".repeat(32) + "\"}]}],\"unit\":\"sat\"}";
        return "cashuA" + Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static void awaitSettled(String hash) throws InterruptedException {
        awaitTrue("reservations of " + hash + " settled",
                  () -> query("SELECT count(*) FROM reservations WHERE account_hash = ? AND status = 'active'", hash) == 0);
    }

    private static void awaitTrue(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + SETTLE + ": " + what);
            }
            Thread.sleep(50);
        }
    }

    private static long unspentProofsMsat() {
        return scalar("SELECT coalesce(sum(CASE unit WHEN 'msat' THEN amount ELSE amount * 1000 END), 0) FROM wallet_proofs "
                      + "WHERE state = 'unspent'");
    }

    private static long totalBalances() {
        return scalar("SELECT coalesce(sum(balance_msat), 0) FROM accounts WHERE parent_hash IS NULL");
    }

    private static long ledgerSum(String hash, String kind) {
        return query("SELECT coalesce(sum(amount_msat), 0) FROM ledger WHERE account_hash = ? AND kind = '" + kind + "'", hash);
    }

    private static long ledgerCount(String hash, String kind) {
        return query("SELECT count(*) FROM ledger WHERE account_hash = ? AND kind = '" + kind + "'", hash);
    }

    private static long settledCharges(String hash) {
        return query("SELECT coalesce(sum(charged_msat), 0) FROM reservations WHERE account_hash = ? AND status = 'settled'",
                     hash);
    }

    private static long query(String sql, String arg) {
        return Db.withConnection(ds, c -> {
            PreparedStatement ps = c.prepareStatement(sql);
            ps.setString(1, arg);
            return count(ps);
        });
    }

    private static long scalar(String sql) {
        return Db.withConnection(ds, c -> count(c.prepareStatement(sql)));
    }

    private static long count(PreparedStatement ps) throws SQLException {
        try (ps; ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static HttpResponse<String> post(String path, String body, String header, String value) {
        return send(HttpRequest.newBuilder(URI.create(api + path)).header("Content-Type", "application/json")
                            .header(header, value).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpResponse<String> get(String path, String header, String value) {
        return send(HttpRequest.newBuilder(URI.create(api + path)).header(header, value).GET());
    }

    private static HttpResponse<String> send(HttpRequest.Builder b) {
        try {
            return HTTP.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
