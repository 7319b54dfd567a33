package org.routstr.wallet;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.routstr.common.db.Db;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.common.keys.ApiKeys;
import org.routstr.common.server.RunningService;
import org.routstr.crypto.cashu.client.CashuWallet;
import org.routstr.crypto.cashu.client.MintClient;
import org.routstr.crypto.cashu.nut00.TokenCodec;
import org.routstr.crypto.cashu.nut07.ProofStateValue;
import org.routstr.ledger.Ledger;
import org.routstr.testmint.FailureMode;
import org.routstr.testmint.TestMint;
import org.routstr.testsupport.RealInfra;
import org.routstr.testsupport.ServiceSmoke;
import org.routstr.testsupport.TestDb;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * A swap whose answer never arrives: the mint processed it, the wallet timed out or was killed -9 in another JVM. After
 * recovery (NUT-09 restore of the reserved counters, NUT-07 state check) the user is credited exactly once.
 */
@RealInfra
class CrashRecoveryTest {
    private static final Duration SLOW = Duration.ofSeconds(40);

    @Test
    void ambiguousTimeoutIsResolvedByRestoreNeverGuessed(TestDb db, KafkaSettings kafka) {
        try (TestMint mint = TestMint.builder().delay(SLOW).start()) {
            RunningService w = Main.start(config(db, kafka, mint));
            try {
                String token = mint.mintToken(100);
                assertThat("warm-up: keysets known", Client.post(w.port(), "/v1/wallet/create",
                        Map.of("cashu_token", mint.mintToken(1))).status(), is(200));
                mint.failureMode(FailureMode.PROCESS_THEN_DELAY);
                Client.Res first = Client.post(w.port(), "/v1/wallet/create", Map.of("cashu_token", token));
                mint.failureMode(FailureMode.NONE);
                assertThat(first.raw().body(), first.status(), is(503));
                assertThat(first.code(), is("cashu_redemption_pending"));
                assertThat(balanceOfToken(db.dataSource(), token), is(Optional.<Long>empty()));

                Client.Res retry = Client.post(w.port(), "/v1/wallet/create", Map.of("cashu_token", token));
                assertThat(retry.raw().body(), retry.status(), is(200));
                assertThat(retry.body().path("balance").asLong(), is(100_000L));
                assertCreditedOnce(db.dataSource(), retry.text("api_key"), 100);
            } finally {
                w.stop();
            }
        }
    }

    @Test
    void walletKilledBetweenSwapRequestAndResponseLosesNothing(TestDb db, KafkaSettings kafka) throws Exception {
        try (TestMint mint = TestMint.builder().delay(SLOW).start()) {
            String token = mint.mintToken(100);
            int port = freePort();
            Process child = startChild(db, kafka, mint, port);
            try {
                awaitHealthy(port);
                assertThat("warm-up: keysets known", Client.post(port, "/v1/wallet/create",
                        Map.of("cashu_token", mint.mintToken(1))).status(), is(200));
                mint.failureMode(FailureMode.PROCESS_THEN_DELAY);
                CompletableFuture.runAsync(() -> {
                    try {
                        Client.post(port, "/v1/wallet/create", Map.of("cashu_token", token));
                    } catch (AssertionError expected) {
                        // the connection dies with the process
                    }
                });
                awaitPendingRow(db.dataSource(), token);
                Thread.sleep(1500);
            } finally {
                child.destroyForcibly().waitFor();
                mint.failureMode(FailureMode.NONE);
            }
            var states = new CashuWallet(MintClient.create(mint.url())).checkState(TokenCodec.decode(token).proofs());
            assertThat("the mint did the swap before the kill", states.stream().allMatch(s -> s.state() == ProofStateValue.SPENT),
                    is(true));
            assertThat(balanceOfToken(db.dataSource(), token), is(Optional.<Long>empty()));

            RunningService restarted = Main.start(config(db, kafka, mint));
            try {
                awaitState(db.dataSource(), token, "credited");
                Client.Res retry = Client.post(restarted.port(), "/v1/wallet/create", Map.of("cashu_token", token));
                assertThat(retry.raw().body(), retry.status(), is(200));
                assertThat(retry.body().path("balance").asLong(), is(100_000L));
                assertCreditedOnce(db.dataSource(), retry.text("api_key"), 100);
            } finally {
                restarted.stop();
            }
        }
    }

    private static io.helidon.config.Config config(TestDb db, KafkaSettings kafka, TestMint mint) {
        // each test's mint has its own port, while the class shares one database: start each like a fresh node, whose
        // configured mints seed the live `mints` setting (a stored value would win over the configuration)
        org.routstr.common.db.Db.withConnection(db.dataSource(), c -> c.createStatement().executeUpdate("DELETE FROM settings WHERE name = 'mints'"));
        return ServiceSmoke.config(db, kafka, Map.of("wallet.trusted-mints", mint.url(), "internal.token", Client.INTERNAL,
                "wallet.mint-timeout", "PT2S", "wallet.recovery-interval", "PT1S"));
    }

    private static Process startChild(TestDb db, KafkaSettings kafka, TestMint mint, int port) throws IOException {
        Path log = Files.createTempFile("wallet-child", ".log");
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
        env.put("WALLET_MINT_dash_TIMEOUT", "PT20S");
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

    private static void awaitPendingRow(DataSource ds, String token) throws InterruptedException {
        awaitState(ds, token, "pending");
    }

    private static void awaitState(DataSource ds, String token, String state) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            if (state.equals(tokenState(ds, token))) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("token never reached state " + state + " (is " + tokenState(ds, token) + ")");
    }

    private static String tokenState(DataSource ds, String token) {
        return Db.withConnection(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT state FROM wallet_tokens_in WHERE token_hash = ?")) {
                ps.setString(1, ApiKeys.hash(token));
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : "none";
                }
            }
        });
    }

    private static Optional<Long> balanceOfToken(DataSource ds, String token) {
        return Db.withConnection(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT a.balance_msat FROM wallet_tokens_in t JOIN accounts a ON a.key_hash = t.account_hash
                     WHERE t.token_hash = ?""")) {
                ps.setString(1, ApiKeys.hash(token));
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getLong(1)) : Optional.<Long>empty();
                }
            }
        });
    }

    private static void assertCreditedOnce(DataSource ds, String key, long sats) {
        String hash = ApiKeys.hash(key);
        assertThat(new Ledger(ds).account(hash).orElseThrow().balanceMsat(), is(sats * 1000));
        List<Long> facts = Db.withConnection(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT (SELECT count(*) FROM ledger WHERE account_hash = ?),
                           (SELECT coalesce(sum(p.amount), 0) FROM wallet_proofs p
                              JOIN wallet_tokens_in t ON t.operation_id = p.origin_op WHERE t.account_hash = ?)""")) {
                ps.setString(1, hash);
                ps.setString(2, hash);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return List.of(rs.getLong(1), rs.getLong(2));
                }
            }
        });
        assertThat("one ledger entry", facts.get(0), is(1L));
        assertThat("the restored proofs are in the wallet", facts.get(1), is(sats));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

}
