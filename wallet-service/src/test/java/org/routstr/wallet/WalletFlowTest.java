package org.routstr.wallet;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

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
import org.routstr.crypto.cashu.Amounts;
import org.routstr.crypto.cashu.Outputs;
import org.routstr.crypto.cashu.client.CashuWallet;
import org.routstr.crypto.cashu.client.MintClient;
import org.routstr.crypto.cashu.nut00.Proof;
import org.routstr.crypto.cashu.nut00.Token;
import org.routstr.crypto.cashu.nut00.TokenCodec;
import org.routstr.crypto.cashu.nut07.ProofStateValue;
import org.routstr.ledger.Ledger;
import org.routstr.ledger.ReserveResult;
import org.routstr.testmint.FailureMode;
import org.routstr.testmint.TestMint;
import org.routstr.testsupport.RealInfra;
import org.routstr.testsupport.ServiceSmoke;
import org.routstr.testsupport.TestDb;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

/**
 * The wallet-service end to end against real-crypto test mints, PostgreSQL and Kafka: two replicas on one database.
 */
@RealInfra
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WalletFlowTest {
    private static TestMint mint;
    private static TestMint foreignMint;
    private static RunningService w1;
    private static RunningService w2;
    private static DataSource ds;
    private static Ledger ledger;
    private static LnurlStandIn lnurl;

    @BeforeAll
    static void start(TestDb db, KafkaSettings kafka) {
        mint = TestMint.start();
        foreignMint = TestMint.builder().seed("foreign-mint").start();
        ds = db.dataSource();
        ledger = new Ledger(ds);
        String trusted = mint.url() + ",http://127.0.0.1:9";
        w1 = Main.start(ServiceSmoke.config(db, kafka, Map.of("wallet.trusted-mints", trusted, "internal.token", Client.INTERNAL,
                "wallet.mint-timeout", "PT5S", "wallet.change-wait", "PT3S", "wallet.allowed-hosts", "127.0.0.1",
                "wallet.recovery-interval", "PT1S")));
        lnurl = LnurlStandIn.start(foreignMint);
        w2 = Main.start(ServiceSmoke.config(db, kafka, Map.of("wallet.trusted-mints", trusted, "internal.token", Client.INTERNAL,
                "wallet.foreign-mints", "false", "wallet.mint-timeout", "PT5S")));
    }

    @AfterAll
    static void stop() {
        if (w1 != null) {
            w1.stop();
        }
        if (w2 != null) {
            w2.stop();
        }
        mint.close();
        foreignMint.close();
        if (lnurl != null) {
            lnurl.close();
        }
    }

    @Test
    @Order(1)
    void createBalanceRefund() {
        String token = mint.mintToken(100);
        Client.Res created = Client.post(w1.port(), "/v1/wallet/create", Map.of("cashu_token", token));
        assertThat(created.raw().body(), created.status(), is(200));
        String key = created.text("api_key");
        assertThat(ApiKeys.looksLikeKey(key), is(true));
        assertThat(created.body().path("balance").asLong(), is(100_000L));

        Client.Res again = Client.post(w2.port(), "/v1/balance/create", Map.of("initial_balance_token", token));
        assertThat("the same token finds the same key", again.text("api_key"), is(key));
        Client.Res balance = Client.get(w2.port(), "/v1/wallet/balance", Client.bearer(key));
        assertThat(balance.body().path("balance").asLong(), is(100_000L));
        assertThat(storedKeyColumns(key), is(0L));

        Client.Res refund = Client.post(w1.port(), "/v1/balance/refund", Map.of(), Client.bearer(key));
        assertThat(refund.raw().body(), refund.status(), is(200));
        assertThat(refund.text("sats"), is("100"));
        Token out = TokenCodec.decode(refund.text("token"));
        assertThat(out.amount(), is(100L));
        assertThat(unspentAtMint(out), is(true));
        Client.Res refundAgain = Client.post(w2.port(), "/v1/balance/refund", Map.of(), Client.bearer(key));
        assertThat("a lost response can be fetched again", refundAgain.text("token"), is(refund.text("token")));
        assertThat(Client.get(w1.port(), "/v1/balance/info", Client.bearer(key)).body().path("balance").asLong(), is(0L));
        Client.Res history = Client.get(w1.port(), "/v1/balance/history", Client.bearer(key));
        assertThat(history.body().path("transactions").size(), is(2));
    }

    @Test
    @Order(2)
    void topupWithTokenCreditsOnce() {
        String key = create(50);
        String topup = mint.mintToken(30);
        Client.Res r = Client.post(w1.port(), "/v1/balance/topup", Map.of("cashu_token", topup), Client.bearer(key));
        assertThat(r.raw().body(), r.body().path("msats").asLong(), is(30_000L));
        Client.post(w2.port(), "/v1/balance/topup", Map.of("cashu_token", topup), Client.bearer(key));
        assertThat(balance(key), is(80_000L));
        Client.Res missing = Client.post(w1.port(), "/v1/balance/topup", Map.of(), Client.bearer(key));
        assertThat(missing.status(), is(400));
    }

    @Test
    @Order(3)
    void lightningTopUpCreatesAndTopsUpOnce() {
        Client.Res inv = Client.post(w1.port(), "/lightning/invoice", Map.of("amount_sats", 21, "purpose", "create"));
        assertThat(inv.raw().body(), inv.status(), is(200));
        String id = inv.text("invoice_id");
        Client.Res status = Client.get(w2.port(), "/lightning/invoice/" + id + "/status");
        assertThat(status.raw().body(), status.text("status"), is("paid"));
        String key = status.text("api_key");
        assertThat(balance(key), is(21_000L));
        Client.Res again = Client.get(w1.port(), "/lightning/invoice/" + id + "/status");
        assertThat(again.text("api_key"), is(key));
        Client.Res recovered = Client.post(w1.port(), "/lightning/recover", Map.of("bolt11", inv.text("bolt11")));
        assertThat(recovered.text("api_key"), is(key));
        assertThat(balance(key), is(21_000L));

        Client.Res topup = Client.post(w1.port(), "/lightning/invoice", Map.of("amount_sats", 9, "purpose", "topup"), Client.bearer(key));
        Client.get(w1.port(), "/lightning/invoice/" + topup.text("invoice_id") + "/status");
        assertThat(balance(key), is(30_000L));
        assertThat(Client.post(w1.port(), "/lightning/invoice", Map.of("amount_sats", 9, "purpose", "topup")).status(), is(401));
        assertThat(Client.get(w1.port(), "/lightning/invoice/nope/status").status(), is(404));
    }

    @Test
    @Order(4)
    void xCashuRedeemAndChangeAfterSettlement() throws Exception {
        String token = mint.mintToken(100);
        UUID rid = UUID.randomUUID();
        Client.Res denied = Client.post(w1.port(), "/internal/x-cashu/redeem", Map.of("token", token, "request_id", rid.toString()));
        assertThat(denied.status(), is(403));
        Client.Res r = Client.post(w1.port(), "/internal/x-cashu/redeem", Map.of("token", token, "request_id", rid.toString()),
                Client.internal());
        assertThat(r.raw().body(), r.body().path("amount_msat").asLong(), is(100_000L));
        String keyHash = r.text("key_hash");
        assertThat(keyHash, is(ApiKeys.hash(token)));
        assertThat(ledger.reserve(rid, keyHash, 40_000), is(ReserveResult.OK));

        // billing settles from the usage event; here the test stands in for it after the change call started waiting
        Thread settler = Thread.ofVirtual().start(() -> {
            sleep(400);
            ledger.settle(rid, 25_000, "test settlement");
        });
        Client.Res change = Client.post(w2.port(), "/internal/x-cashu/change", Map.of("key_hash", keyHash, "request_id",
                rid.toString()), Client.internal());
        settler.join();
        assertThat(change.raw().body(), change.status(), is(200));
        assertThat(change.body().path("amount_msat").asLong(), is(75_000L));
        assertThat(TokenCodec.decode(change.text("token")).amount(), is(75L));
        Client.Res repeat = Client.post(w1.port(), "/internal/x-cashu/change", Map.of("key_hash", keyHash, "request_id",
                rid.toString()), Client.internal());
        assertThat(repeat.text("token"), is(change.text("token")));
        Client.Res lost = Client.post(w1.port(), "/v1/balance/refund", Map.of(), "X-Cashu", token);
        assertThat(lost.text("token"), is(change.text("token")));
        assertThat(lost.raw().headers().firstValue("X-Cashu").orElse(""), is(change.text("token")));
        assertThat(balance(keyHash, true), is(0L));
    }

    @Test
    @Order(5)
    void xCashuChangeWaitsForSettlement() {
        String token = mint.mintToken(10);
        UUID rid = UUID.randomUUID();
        String keyHash = Client.post(w1.port(), "/internal/x-cashu/redeem", Map.of("token", token, "request_id", rid.toString()),
                Client.internal()).text("key_hash");
        // the whole token reserved: a settled cost is never above its reservation (V20), so "all spent" reserves it all
        ledger.reserve(rid, keyHash, 10_000);
        Client.Res pending = Client.post(w1.port(), "/internal/x-cashu/change", Map.of("key_hash", keyHash, "request_id",
                rid.toString()), Client.internal());
        assertThat(pending.status(), is(202));
        assertThat(pending.body().path("pending").asBoolean(), is(true));
        ledger.settle(rid, 10_000, "all spent");
        Client.Res none = Client.post(w1.port(), "/internal/x-cashu/change", Map.of("key_hash", keyHash, "request_id",
                rid.toString()), Client.internal());
        assertThat(none.status(), is(200));
        assertThat(none.body().path("token").isNull(), is(true));
    }

    @Test
    @Order(6)
    void cashuBearerTwiceCreditsOnce() {
        String token = mint.mintToken(64);
        Client.Res a = Client.post(w1.port(), "/internal/redeem", Map.of("token", token, "request_id", UUID.randomUUID().toString()),
                Client.internal());
        Client.Res b = Client.post(w2.port(), "/internal/redeem", Map.of("token", token, "request_id", UUID.randomUUID().toString()),
                Client.internal());
        assertThat(a.raw().body(), a.text("key_hash"), is(b.text("key_hash")));
        assertThat(b.body().path("balance_msat").asLong(), is(64_000L));
        Client.Res info = Client.get(w1.port(), "/v1/balance/info", Client.bearer(token));
        assertThat(info.body().path("balance").asLong(), is(64_000L));
        assertThat(ledgerRows(a.text("key_hash")), is(1L));
    }

    @Test
    @Order(7)
    void foreignMintTokenIsSwappedIntoPrimary() {
        String token = foreignMint.mintToken(200);
        Client.Res r = Client.post(w1.port(), "/v1/wallet/create", Map.of("cashu_token", token));
        assertThat(r.raw().body(), r.status(), is(200));
        long credited = r.body().path("balance").asLong();
        assertThat(credited, greaterThan(150_000L));
        assertThat(credited, lessThan(200_000L));
        assertThat(sumProofsOf(mint.url()), greaterThanOrEqualTo(credited / 1000));
        Client.Res refused = Client.post(w2.port(), "/v1/wallet/create", Map.of("cashu_token", foreignMint.mintToken(50)));
        assertThat(refused.status(), is(400));
        assertThat(refused.code(), is("cashu_mint_not_trusted"));
    }

    @Test
    @Order(8)
    void everyBadInputHasItsOwnCodeAndMovesNoMoney() {
        long before = totalBalances();
        assertError(Client.post(w1.port(), "/v1/wallet/create", Map.of("cashu_token", "cashuBnotatoken")), 400, "invalid_cashu_token");
        assertError(Client.post(w1.port(), "/v1/wallet/create", Map.of("cashu_token", "hello")), 400, "invalid_cashu_token");
        assertError(Client.post(w1.port(), "/v1/wallet/create", Map.of()), 400, "missing_token");
        assertError(Client.send(w1.port(), "/v1/wallet/create", "POST", "{not json"), 400, "invalid_json");

        String spent = mint.mintToken(8);
        new CashuWallet(MintClient.create(mint.url())).receive(TokenCodec.decode(spent), new byte[64], 0);
        assertError(Client.post(w1.port(), "/v1/wallet/create", Map.of("cashu_token", spent)), 400, "cashu_token_already_spent");
        assertError(Client.post(w2.port(), "/v1/wallet/create", Map.of("cashu_token", spent)), 400, "cashu_token_already_spent");

        assertError(Client.post(w1.port(), "/v1/wallet/create", Map.of("cashu_token", zeroValueToken())), 400, "cashu_token_zero_value");
        Token good = TokenCodec.decode(mint.mintToken(4));
        String usd = TokenCodec.encodeV3(new Token(good.mint(), "usd", good.proofs()));
        assertError(Client.post(w1.port(), "/v1/wallet/create", Map.of("cashu_token", usd)), 400, "cashu_token_unsupported_unit");
        // an amount the keyset has no key for (no DLEQ to check) is a forgery the node can see alone: refused before the swap
        Proof real = good.proofs().get(0);
        java.util.function.BiConsumer<Long, String> refused = (amount, id) -> {
            Proof odd = new Proof(amount, id, real.secret(), real.C(), real.witness(), null);
            String oddToken = TokenCodec.encodeV3(new Token(good.mint(), "sat", List.of(odd)));
            assertError(Client.post(w1.port(), "/v1/wallet/create", Map.of("cashu_token", oddToken)), 400, "invalid_cashu_token");
        };
        for (long amount : new long[] {Long.MAX_VALUE, 3, 0x4000_0000_0000_0000L}) {
            refused.accept(amount, real.id());
        }
        for (String id : new String[] {"\u0000", "\ud800", "00ffffffffffffff"}) {
            refused.accept(Long.MAX_VALUE, id);
        }
        String deadMint = TokenCodec.encodeV3(new Token("http://127.0.0.1:9", "sat", good.proofs()));
        assertError(Client.post(w1.port(), "/v1/wallet/create", Map.of("cashu_token", deadMint)), 503, "cashu_mint_unreachable");

        String later = mint.mintToken(16);
        mint.failureMode(FailureMode.UNAVAILABLE);
        try {
            // the keysets are cached, so the swap itself meets the outage: a 5xx may have been processed, so it is not guessed
            assertError(Client.post(w1.port(), "/v1/wallet/create", Map.of("cashu_token", later)), 503, "cashu_redemption_pending");
        } finally {
            mint.failureMode(FailureMode.NONE);
        }
        assertThat("no money moved", totalBalances(), is(before));
        Client.Res retry = Client.post(w1.port(), "/v1/wallet/create", Map.of("cashu_token", later));
        assertThat("an unreachable mint leaves the token usable", retry.body().path("balance").asLong(), is(16_000L));

        assertError(Client.get(w1.port(), "/v1/balance/info", Client.bearer("sk-nope")), 401, "invalid_api_key");
        assertError(Client.post(w1.port(), "/v1/balance/refund", Map.of()), 401, "key_not_found");
        assertError(Client.post(w1.port(), "/v1/wallet/create", Map.of("cashu_token", mint.mintToken(1),
                "balance_limit_reset", "hourly")), 400, "invalid_balance_limit_reset");
    }

    @Test
    @Order(9)
    void sameTokenTwentyTimesOnTwoReplicasCreditsOnce() throws Exception {
        String token = mint.mintToken(64);
        List<Future<Client.Res>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 20; i++) {
                int port = i % 2 == 0 ? w1.port() : w2.port();
                results.add(pool.submit(() -> Client.post(port, "/v1/wallet/create", Map.of("cashu_token", token))));
            }
        }
        Set<String> keys = new HashSet<>();
        for (Future<Client.Res> f : results) {
            Client.Res r = f.get();
            assertThat(r.raw().body(), r.status(), is(200));
            keys.add(r.text("api_key"));
        }
        assertThat(keys.size(), is(1));
        String key = keys.iterator().next();
        assertThat(balance(key), is(64_000L));
        assertThat(ledgerRows(ApiKeys.hash(key)), is(1L));
    }

    @Test
    @Order(10)
    void refundNeverPaysReservedMoney() throws Exception {
        String key = create(100);
        String hash = ApiKeys.hash(key);
        UUID inFlight = UUID.randomUUID();
        assertThat(ledger.reserve(inFlight, hash, 60_000), is(ReserveResult.OK));
        assertError(Client.post(w1.port(), "/v1/balance/refund", Map.of(), Client.bearer(key)), 400, "ongoing_requests");
        ledger.settle(inFlight, 30_000, "request done");
        List<Future<Client.Res>> racing = new ArrayList<>();
        UUID second = UUID.randomUUID();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            racing.add(pool.submit(() -> Client.post(w1.port(), "/v1/balance/refund", Map.of(), Client.bearer(key))));
            pool.submit(() -> ledger.reserve(second, hash, 20_000));
            racing.add(pool.submit(() -> Client.post(w2.port(), "/v1/balance/refund", Map.of(), Client.bearer(key))));
        }
        long paid = 0;
        Set<String> tokens = new HashSet<>();
        for (Future<Client.Res> f : racing) {
            Client.Res r = f.get();
            if (r.status() == 200) {
                tokens.add(r.text("token"));
            }
        }
        for (String t : tokens) {
            paid += TokenCodec.decode(t).amount();
        }
        var account = ledger.account(hash).orElseThrow();
        assertThat("paid out + left on the key = what was not spent", paid * 1000 + account.balanceMsat(), is(70_000L));
        assertThat(account.balanceMsat(), greaterThanOrEqualTo(account.reservedMsat()));
    }

    @Test
    @Order(11)
    void ownerMayWithdrawOnlyTheOwnersShare() {
        Client.Res report = Client.get(w1.port(), "/internal/owner/balance", Client.internal());
        assertThat(report.raw().body(), report.status(), is(200));
        long share = report.body().path("owner_msat").asLong();
        assertThat(report.body().path("wallet_msat").asLong() - report.body().path("user_msat").asLong(), is(share));
        Client.Res tooMuch = Client.post(w1.port(), "/internal/owner/withdraw", Map.of("amount", share / 1000 + 1), Client.internal());
        assertError(tooMuch, 400, "insufficient_owner_balance");
    }

    @Test
    @Order(12)
    void childKeysSpendFromParentWithinLimit() {
        String parent = create(50);
        Client.Res r = Client.post(w1.port(), "/v1/balance/child-key", Map.of("count", 2, "balance_limit", 10_000), Client.bearer(parent));
        assertThat(r.raw().body(), r.body().path("api_keys").size(), is(2));
        String child = r.body().path("api_keys").get(0).asText();
        assertThat(ledger.reserve(UUID.randomUUID(), ApiKeys.hash(child), 20_000), is(ReserveResult.OVER_LIMIT));
        Client.Res info = Client.get(w1.port(), "/v1/balance/info", Client.bearer(child));
        assertThat(info.body().path("is_child").asBoolean(), is(true));
        assertThat(info.body().path("balance").asLong(), is(50_000L));
        assertThat(Client.post(w1.port(), "/v1/balance/child-key/reset", Map.of("child_key", child), Client.bearer(parent))
                .body().path("success").asBoolean(), is(true));
        assertThat(Client.post(w1.port(), "/v1/balance/child-key/reset", Map.of("child_key", parent), Client.bearer(child)).status(),
                is(403));
        assertError(Client.post(w1.port(), "/v1/balance/refund", Map.of(), Client.bearer(child)), 400, "child_key");
        assertThat(Client.post(w1.port(), "/v1/balance/child-key", Map.of("count", 51), Client.bearer(parent)).status(), is(400));
    }

    @Test
    @Order(13)
    void refundToLightningAddressAndAutomaticRefundOfExpiredKeys() throws Exception {
        String address = "alice@127.0.0.1:" + lnurl.port();
        Client.Res created = Client.post(w1.port(), "/v1/wallet/create", Map.of("cashu_token", mint.mintToken(200),
                "refund_address", address));
        String key = created.text("api_key");
        Client.Res refund = Client.post(w1.port(), "/v1/balance/refund", Map.of(), Client.bearer(key));
        assertThat(refund.raw().body(), refund.status(), is(200));
        assertThat(refund.text("recipient"), is(address));
        assertThat(refund.text("sats"), is("197"));
        assertThat(lnurl.invoicedMsat(), is(197_000L));
        assertThat(balance(key), is(0L));

        long soon = java.time.Instant.now().getEpochSecond() + 1;
        String expiring = Client.post(w1.port(), "/v1/wallet/create", Map.of("cashu_token", mint.mintToken(100)),
                "Refund-LNURL", address, "Key-Expiry-Time", Long.toString(soon)).text("api_key");
        assertThat(balance(expiring), is(100_000L));
        for (int i = 0; i < 100 && balance(expiring) > 0; i++) {
            Thread.sleep(100);
        }
        assertThat("the expiry job refunded the key", balance(expiring), is(0L));
        assertThat(lnurl.invoicedMsat(), is(197_000L + 97_000L));
        assertError(Client.post(w1.port(), "/v1/wallet/create", Map.of("cashu_token", mint.mintToken(1)),
                "Key-Expiry-Time", Long.toString(soon)), 400, "refund_address_required");
    }

    @Test
    @Order(14)
    void concurrentRefundsOnTwoReplicasAllPayWhileTheProofsCoverThem() throws Exception {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            keys.add(create(50));
        }
        long held = sumProofsOf(mint.url());
        assertThat("the wallet holds more than the twelve refunds", held, greaterThanOrEqualTo(600L));
        List<Future<Client.Res>> refunds = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < keys.size(); i++) {
                int port = i % 2 == 0 ? w1.port() : w2.port();
                String key = keys.get(i);
                refunds.add(pool.submit(() -> Client.post(port, "/v1/balance/refund", Map.of(), Client.bearer(key))));
            }
        }
        long paid = 0;
        for (Future<Client.Res> f : refunds) {
            Client.Res r = f.get();
            assertThat(r.raw().body(), r.status(), is(200));
            paid += TokenCodec.decode(r.text("token")).amount();
        }
        assertThat(paid, is(600L));
        for (String key : keys) {
            assertThat(balance(key), is(0L));
        }
    }

    /**
     * A payout locks only the proofs it takes: one another transaction holds (a payout on the other replica, say) is
     * skipped, not waited for. Locking every unspent proof made each payout queue behind the one before it and read all of
     * them, which a long chaos run with 37,714 small proofs turned into 10 s pool timeouts.
     */
    @Test
    @Order(15)
    void aPayoutDoesNotWaitForProofsAnotherTransactionHolds() throws Exception {
        String key = create(20);
        try (java.sql.Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("SELECT y FROM wallet_proofs WHERE mint_url = ? AND state = 'unspent'"
                                                           + " ORDER BY amount DESC LIMIT 1 FOR UPDATE")) {
                ps.setString(1, mint.url());
                assertThat(ps.executeQuery().next(), is(true));
            }
            var refund = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> Client.post(w1.port(), "/v1/balance/refund", Map.of(), Client.bearer(key)));
            Client.Res r;
            try {
                r = refund.get(15, java.util.concurrent.TimeUnit.SECONDS);
            } finally {
                c.rollback(); // on a timeout too, so a payout stuck behind the lock can finish before the next test
            }
            assertThat(r.raw().body(), r.status(), is(200));
            assertThat(TokenCodec.decode(r.text("token")).amount(), is(20L));
        }
        assertThat(balance(key), is(0L));
    }

    @Test
    @Order(99)
    void conservationUnspentProofsCoverAllBalances() {
        long proofsMsat = Db.withConnection(ds, c -> scalar(c.prepareStatement(
                "SELECT coalesce(sum(CASE unit WHEN 'msat' THEN amount ELSE amount * 1000 END), 0) FROM wallet_proofs WHERE state = 'unspent'")));
        assertThat(proofsMsat, greaterThanOrEqualTo(totalBalances()));
        assertThat(totalBalances(), greaterThan(0L));
    }

    private static String create(long sats) {
        Client.Res r = Client.post(w1.port(), "/v1/wallet/create", Map.of("cashu_token", mint.mintToken(sats)));
        assertThat(r.raw().body(), r.status(), is(200));
        return r.text("api_key");
    }

    private static long balance(String key) {
        return balance(ApiKeys.hash(key), true);
    }

    private static long balance(String hash, boolean byHash) {
        return ledger.account(hash).orElseThrow().balanceMsat();
    }

    static void assertError(Client.Res r, int status, String code) {
        assertThat(r.raw().body(), r.status(), is(status));
        assertThat(r.raw().body(), r.code(), is(code));
    }

    private static boolean unspentAtMint(Token t) {
        return new CashuWallet(MintClient.create(mint.url())).checkState(t.proofs()).stream()
                .allMatch(s -> s.state() == ProofStateValue.UNSPENT);
    }

    private static String zeroValueToken() {
        String json = "{\"token\":[{\"mint\":\"" + mint.url() + "\",\"proofs\":[{\"amount\":0,\"id\":\"" + mint.keyset().id()
                + "\",\"secret\":\"abc\",\"C\":\"02" + "11".repeat(32) + "\"}]}],\"unit\":\"sat\"}";
        return "cashuA" + Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static long storedKeyColumns(String key) {
        return Db.withConnection(ds, c -> {
            PreparedStatement ps = c.prepareStatement("""
                    SELECT count(*) FROM wallet_tokens_in WHERE wrapped_key LIKE ? OR account_spec::text LIKE ?""");
            ps.setString(1, "%" + key + "%");
            ps.setString(2, "%" + key + "%");
            return scalar(ps);
        });
    }

    private static long ledgerRows(String hash) {
        return Db.withConnection(ds, c -> {
            PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM ledger WHERE account_hash = ? AND kind = 'deposit'");
            ps.setString(1, hash);
            return scalar(ps);
        });
    }

    private static long sumProofsOf(String mintUrl) {
        return Db.withConnection(ds, c -> {
            PreparedStatement ps = c.prepareStatement("SELECT coalesce(sum(amount), 0) FROM wallet_proofs WHERE mint_url = ? AND state = 'unspent'");
            ps.setString(1, mintUrl);
            return scalar(ps);
        });
    }

    static long totalBalances() {
        return Db.withConnection(ds, c -> scalar(c.prepareStatement(
                "SELECT coalesce(sum(balance_msat), 0) FROM accounts WHERE parent_hash IS NULL")));
    }

    private static long scalar(PreparedStatement ps) throws java.sql.SQLException {
        try (ps; ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
