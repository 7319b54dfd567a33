package org.routstr.wallet;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.routstr.common.db.Db;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.common.keys.ApiKeys;
import org.routstr.common.server.RunningService;
import org.routstr.crypto.cashu.nut00.Token;
import org.routstr.crypto.cashu.nut00.TokenCodec;
import org.routstr.ledger.Ledger;
import org.routstr.ledger.NewAccount;
import org.routstr.testmint.FailureMode;
import org.routstr.testmint.TestMint;
import org.routstr.testsupport.RealInfra;
import org.routstr.testsupport.ServiceSmoke;
import org.routstr.testsupport.TestDb;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;

/**
 * Payouts against a test mint with input fees on: whole sats, the node's swap fee paid by the node, and one durable
 * operation from the debit on (a throw or a kill -9 between the debit and the mint call ends paid or given back).
 */
@RealInfra
class PayoutTest {
    @Test
    void aRefundPaysEveryWholeSatAndTheNodePaysItsOwnSwapFee(TestDb db, KafkaSettings kafka) {
        try (TestMint mint = TestMint.builder().inputFeePpk(400).start()) {
            RunningService w = Main.start(config(db, kafka, mint, "PT5S"));
            try {
                // the node's own share: a key whose whole balance was spent on a request
                Client.Res spent = Client.post(w.port(), "/v1/wallet/create", Map.of("cashu_token", mint.mintToken(500)));
                Ledger ledger = new Ledger(db.dataSource());
                String spentHash = ApiKeys.hash(spent.text("api_key"));
                UUID request = UUID.randomUUID();
                ledger.reserve(request, spentHash, ledger.account(spentHash).orElseThrow().availableMsat());
                ledger.settle(request, Long.MAX_VALUE, "test: the node earned this");
                assertThat(ledger.account(spentHash).orElseThrow().balanceMsat(), is(0L));

                Client.Res created = Client.post(w.port(), "/v1/wallet/create", Map.of("cashu_token", mint.mintToken(9_999)));
                assertThat(created.raw().body(), created.status(), is(200));
                long balance = created.body().path("balance").asLong();
                assertThat("the receive fee was charged", balance < 9_999_000, is(true));
                Client.Res refund = Client.post(w.port(), "/v1/balance/refund", Map.of(), Client.bearer(created.text("api_key")));
                assertThat(refund.raw().body(), refund.status(), is(200));
                Token out = TokenCodec.decode(refund.text("token"));
                assertThat(refund.text("sats"), is(Long.toString(balance / 1000)));
                assertThat("the token is worth every sat stated", out.amount(), is(balance / 1000));
                assertThat(refund.body().path("msats_left").asLong(), is(balance % 1000));
            } finally {
                w.stop();
            }
        }
    }

    @Test
    void xCashuChangeIsTheNetValueMinusTheCostRoundedUpToWholeSats(TestDb db, KafkaSettings kafka) {
        try (TestMint mint = TestMint.builder().inputFeePpk(400).start()) {
            RunningService w = Main.start(ServiceSmoke.config(db, kafka, Map.of("wallet.trusted-mints", mint.url(),
                    "internal.token", Client.INTERNAL, "wallet.mint-timeout", "PT5S", "wallet.change-wait", "PT3S")));
            try {
                UUID rid = UUID.randomUUID();
                Client.Res r = Client.post(w.port(), "/internal/x-cashu/redeem", Map.of("token", mint.mintToken(2_046),
                        "request_id", rid.toString()), Client.internal());
                long net = r.body().path("amount_msat").asLong();
                assertThat(r.raw().body(), net < 2_046_000 && net % 1000 == 0, is(true));
                Ledger ledger = new Ledger(db.dataSource());
                assertThat(ledger.reserve(rid, r.text("key_hash"), 40_000).name(), is("OK"));
                ledger.settle(rid, 20_500, "test settlement");
                Client.Res change = Client.post(w.port(), "/internal/x-cashu/change", Map.of("key_hash", r.text("key_hash"),
                        "request_id", rid.toString()), Client.internal());
                assertThat(change.raw().body(), change.status(), is(200));
                // the reference's rounding: net sats minus the cost rounded up to whole sats, all of it in the token
                assertThat(TokenCodec.decode(change.text("token")).amount(), is(net / 1000 - 21));
            } finally {
                w.stop();
            }
        }
    }

    @Test
    void aThrowingKeysetLookupGivesTheMoneyBackInsteadOfLeavingItPending(TestDb db, KafkaSettings kafka) {
        try (TestMint mint = TestMint.start()) {
            RunningService w = Main.start(config(db, kafka, mint, "PT5S"));
            try {
                // the mint has no msat keyset: the payout's keyset lookup throws after the debit
                String key = ApiKeys.newKey();
                Ledger ledger = new Ledger(db.dataSource());
                ledger.open(new NewAccount(ApiKeys.hash(key), Optional.empty(), Optional.empty(), Optional.empty(),
                        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.of("msat")));
                ledger.credit(ApiKeys.hash(key), 5_000, "deposit:" + key, "test");
                for (int attempt = 0; attempt < 2; attempt++) {
                    Client.Res refund = Client.post(w.port(), "/v1/balance/refund", Map.of(), Client.bearer(key));
                    assertThat(refund.raw().body(), refund.status(), is(503));
                    assertThat(refund.code(), is("refund_failed"));
                    assertThat("the balance is back", ledger.account(ApiKeys.hash(key)).orElseThrow().balanceMsat(), is(5_000L));
                }
            } finally {
                w.stop();
            }
        }
    }

    @Test
    void walletKilledBetweenDebitAndMintCallEndsPaidAndTheOwnerCannotTakeItMeanwhile(TestDb db, KafkaSettings kafka)
            throws Exception {
        DataSource ds = db.dataSource();
        try (TestMint mint = TestMint.builder().delay(java.time.Duration.ofSeconds(60)).start()) {
            RunningService w = Main.start(config(db, kafka, mint, "PT2S"));
            try {
                Client.Res created = Client.post(w.port(), "/v1/wallet/create", Map.of("cashu_token", mint.mintToken(300)));
                String key = created.text("api_key");
                String hash = ApiKeys.hash(key);
                int port = freePort();
                Process child = startChild(db, kafka, mint, port);
                try {
                    awaitHealthy(port);
                    // the child has never asked this mint for its keysets: its payout waits there, after the debit
                    mint.failureMode(FailureMode.DELAY);
                    CompletableFuture.runAsync(() -> {
                        try {
                            Client.post(port, "/v1/balance/refund", Map.of(), Client.bearer(key));
                        } catch (AssertionError expected) {
                            // the connection dies with the process
                        }
                    });
                    awaitStalled(ds, hash);
                } finally {
                    child.destroyForcibly().waitFor();
                    mint.failureMode(FailureMode.NONE);
                }
                assertThat("debited before the kill", new Ledger(ds).account(hash).orElseThrow().balanceMsat(), is(0L));
                Client.Res owner = Client.get(w.port(), "/internal/owner/balance", Client.internal());
                assertThat("the pending payout is users' money", owner.body().path("user_msat").asLong() - balances(ds),
                        greaterThanOrEqualTo(300_000L));

                awaitIssued(ds, hash);
                Client.Res refund = Client.post(w.port(), "/v1/balance/refund", Map.of(), Client.bearer(key));
                assertThat(refund.raw().body(), refund.status(), is(200));
                assertThat(TokenCodec.decode(refund.text("token")).amount(), is(300L));
            } finally {
                w.stop();
            }
        }
    }

    private static io.helidon.config.Config config(TestDb db, KafkaSettings kafka, TestMint mint, String timeout) {
        return ServiceSmoke.config(db, kafka, Map.of("wallet.trusted-mints", mint.url(), "internal.token", Client.INTERNAL,
                "wallet.mint-timeout", timeout, "wallet.recovery-interval", "PT1S"));
    }

    private static Process startChild(TestDb db, KafkaSettings kafka, TestMint mint, int port) throws IOException {
        Path log = Files.createTempFile("wallet-payout-child", ".log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.routstr.wallet.Main")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("SERVER_HOST", "127.0.0.1");
        env.put("SERVER_PORT", Integer.toString(port));
        env.put("DB_URL", db.settings().url());
        env.put("DB_USER", db.settings().user());
        env.put("DB_PASSWORD", db.settings().password());
        env.put("KAFKA_BOOTSTRAP_dash_SERVERS", kafka.bootstrapServers());
        env.put("WALLET_TRUSTED_dash_MINTS", mint.url());
        env.put("WALLET_MINT_dash_TIMEOUT", "PT2S");
        env.put("INTERNAL_TOKEN", Client.INTERNAL);
        return pb.start();
    }

    private static void awaitHealthy(int port) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            try {
                if (Client.get(port, "/health").status() == 200) {
                    return;
                }
            } catch (AssertionError notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("child wallet-service did not start");
    }

    private static void awaitStalled(DataSource ds, String hash) throws InterruptedException {
        for (int i = 0; i < 1_000; i++) {
            if (payoutState(ds, hash).equals("pending/none")) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no debited payout without a mint operation (" + payoutState(ds, hash) + ")");
    }

    private static void awaitIssued(DataSource ds, String hash) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            if (payoutState(ds, hash).startsWith("issued")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("recovery never finished the payout (" + payoutState(ds, hash) + ")");
    }

    private static String payoutState(DataSource ds, String hash) {
        return Db.withConnection(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT state || '/' || CASE WHEN operation_id IS NULL THEN 'none' ELSE 'op' END FROM wallet_tokens_out
                     WHERE account_hash = ? AND kind = 'refund' ORDER BY created_at DESC LIMIT 1""")) {
                ps.setString(1, hash);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : "none";
                }
            }
        });
    }

    private static long balances(DataSource ds) {
        return Db.withConnection(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT coalesce(sum(balance_msat), 0) FROM accounts WHERE parent_hash IS NULL");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
