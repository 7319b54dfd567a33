package org.routstr.wallet;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.routstr.common.db.Db;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.common.keys.ApiKeys;
import org.routstr.common.server.RunningService;
import org.routstr.crypto.cashu.client.CashuWallet;
import org.routstr.crypto.cashu.client.MintClient;
import org.routstr.crypto.cashu.nut00.TokenCodec;
import org.routstr.ledger.Ledger;
import org.routstr.ledger.ReserveResult;
import org.routstr.testmint.TestMint;
import org.routstr.testsupport.RealInfra;
import org.routstr.testsupport.ServiceSmoke;
import org.routstr.testsupport.TestDb;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

/**
 * The wallet endpoints as Routstr Core's clients read them (issue 20): error bodies, top-up answers, donate, the
 * {@code /v1/balance/*} catch-all, child-key counting, refund ids and the sk- key a Cashu bearer becomes.
 */
@RealInfra
class WireCompatTest {
    private static final long CHILD_KEY_COST = 1_500;
    private static TestMint mint;
    private static RunningService w;
    private static TestDb db;
    private static Ledger ledger;

    @BeforeAll
    static void start(TestDb testDb, KafkaSettings kafka) {
        db = testDb;
        mint = TestMint.start();
        ledger = new Ledger(db.dataSource());
        // like a fresh node: stored settings of an earlier test class would win over this config
        Db.withConnection(db.dataSource(), c -> c.createStatement()
                .executeUpdate("DELETE FROM settings WHERE name IN ('mints', 'child-key-cost-msat')"));
        w = Main.start(ServiceSmoke.config(db, kafka, Map.of("wallet.trusted-mints", mint.url(), "internal.token", Client.INTERNAL,
                "wallet.mint-timeout", "PT5S", "wallet.child-key-cost-msat", Long.toString(CHILD_KEY_COST))));
    }

    @AfterAll
    static void stop() {
        if (w != null) {
            w.stop();
        }
        Db.withConnection(db.dataSource(), c -> c.createStatement().executeUpdate("DELETE FROM settings WHERE name = 'child-key-cost-msat'"));
        mint.close();
    }

    @Test
    void errorBodiesCarryTheReferencesDetailError() {
        Client.Res r = Client.post(w.port(), "/v1/wallet/create", Map.of("cashu_token", "cashuBnotatoken"));
        assertThat(r.raw().body(), r.status(), is(400));
        assertThat(r.body().path("detail").path("error").path("code").asText(), is("invalid_cashu_token"));
        assertThat(r.body().path("detail").path("error").path("type").asText(), is("invalid_token"));
        assertThat(r.body().path("error").path("code").asText(), is("invalid_cashu_token"));
        Client.Res child = Client.post(w.port(), "/v1/balance/child-key", Map.of("count", 50), Client.bearer(create(10)));
        assertThat(child.raw().body(), child.status(), is(402));
        assertThat(child.body().path("detail").path("error").path("code").asText(), is("insufficient_balance"));
        assertThat(child.body().path("detail").path("error").path("message").asText(),
                is("Insufficient balance to create 50 child keys. 75000 mSats required."));
    }

    @Test
    void aSpentTokenOnTopUpIsA400AndARepeatedTopUpSaysItWasCredited() {
        String key = create(20);
        String spent = mint.mintToken(8);
        new CashuWallet(MintClient.create(mint.url())).receive(TokenCodec.decode(spent), new byte[64], 0);
        Client.Res r = Client.post(w.port(), "/v1/balance/topup", Map.of("cashu_token", spent), Client.bearer(key));
        WalletFlowTest.assertError(r, 400, "cashu_token_already_spent");
        assertThat(r.body().path("error").path("message").asText(), containsString("already spent"));

        String topup = mint.mintToken(30);
        assertThat(Client.post(w.port(), "/v1/balance/topup", Map.of("cashu_token", topup), Client.bearer(key))
                .body().path("msats").asLong(), is(30_000L));
        Client.Res again = Client.post(w.port(), "/v1/balance/topup", Map.of("cashu_token", topup), Client.bearer(key));
        WalletFlowTest.assertError(again, 400, "cashu_token_already_spent");
        assertThat(again.body().path("error").path("message").asText(), containsString("already credited to this key"));
        assertThat("credited once", ledger.account(ApiKeys.hash(key)).orElseThrow().balanceMsat(), is(50_000L));
    }

    @Test
    void donateRedeemsToTheNodeAndOtherBalancePathsAre404() {
        Client.Res thanks = Client.send(w.port(), "/v1/balance/donate?token=" + mint.mintToken(5), "POST", null);
        assertThat(thanks.raw().body(), thanks.status(), is(200));
        assertThat(thanks.raw().body(), is("\"Thanks!\""));
        Client.Res invalid = Client.send(w.port(), "/v1/balance/donate?token=cashuBnope", "POST", null);
        assertThat(invalid.raw().body(), is("\"Invalid token.\""));
        long donated = Db.withConnection(db.dataSource(), c -> {
            var rs = c.createStatement().executeQuery(
                    "SELECT count(*) FROM wallet_tokens_in WHERE purpose = 'donate' AND state = 'credited' AND credited_msat = 5000");
            rs.next();
            return rs.getLong(1);
        });
        assertThat("the donation was redeemed, credited to no key", donated, is(1L));
        for (String method : new String[] {"GET", "POST", "PUT", "DELETE"}) {
            Client.Res nf = Client.send(w.port(), "/v1/balance/nothing-here", method, null);
            assertThat(method + " " + nf.raw().body(), nf.status(), is(404));
            assertThat(nf.body().path("detail").asText(), is("Not found check /docs for available endpoints"));
        }
        assertThat(Client.send(w.port(), "/v1/wallet/x/y", "GET", null).status(), is(404));
    }

    @Test
    void childKeysCountAsTheReferenceCountsThem() {
        String parent = create(100);
        Client.Res made = Client.post(w.port(), "/v1/balance/child-key", Map.of("count", 2), Client.bearer(parent));
        assertThat(made.raw().body(), made.status(), is(200));
        String child = made.body().path("api_keys").get(0).asText();
        Client.Res info = Client.get(w.port(), "/v1/balance/info", Client.bearer(parent));
        assertThat("the child-key cost is spent", info.body().path("total_spent").asLong(), is(2 * CHILD_KEY_COST));
        assertThat(info.body().path("balance").asLong(), is(100_000L - 2 * CHILD_KEY_COST));

        UUID request = UUID.randomUUID();
        assertThat(ledger.reserve(request, ApiKeys.hash(child), 7_000), is(ReserveResult.OK));
        info = Client.get(w.port(), "/v1/balance/info", Client.bearer(parent));
        assertThat("the child's in-flight reservation", info.body().path("reserved").asLong(), is(7_000L));
        ledger.settle(request, 4_000, "test");
        info = Client.get(w.port(), "/v1/balance/info", Client.bearer(parent));
        assertThat(info.body().path("total_spent").asLong(), is(2 * CHILD_KEY_COST + 4_000));
        assertThat(info.body().path("child_keys").get(0).path("total_spent").asLong(), is(4_000L));
        assertThat(info.body().path("child_keys").get(0).has("api_key"), is(true));
        assertThat(info.body().path("child_keys").get(0).path("api_key_preview").asText(), is(child.substring(3, 11) + "..."));

        Client.Res childInfo = Client.get(w.port(), "/v1/balance/info", Client.bearer(child));
        assertThat("from the parent's key, not its hash", childInfo.body().path("parent_key_preview").asText(),
                is(parent.substring(3, 11) + "..."));
    }

    @Test
    void aRepeatedRefundAnswersWithItsRefundIdAndStatus() {
        String key = create(40);
        Client.Res first = Client.post(w.port(), "/v1/balance/refund", Map.of(), Client.bearer(key));
        assertThat(first.raw().body(), first.status(), is(200));
        Client.Res again = Client.post(w.port(), "/v1/balance/refund", Map.of(), Client.bearer(key));
        assertThat(again.raw().body(), again.status(), is(200));
        assertThat(first.text("refund_id").length(), is(64));
        assertThat(again.text("refund_id"), is(first.text("refund_id")));
        assertThat(again.text("status"), is("issued"));
        assertThat(again.text("token"), is(first.text("token")));
    }

    @Test
    void aCashuBearerLearnsTheSkKeyItBecame() {
        String token = mint.mintToken(25);
        Client.Res info = Client.get(w.port(), "/v1/balance/info", Client.bearer(token));
        assertThat(info.raw().body(), info.status(), is(200));
        String key = info.text("api_key");
        assertThat(key, startsWith("sk-"));
        assertThat(ApiKeys.looksLikeKey(key), is(true));
        assertThat(info.body().path("balance").asLong(), is(25_000L));
        assertThat("the same token, the same key", Client.get(w.port(), "/v1/balance/info", Client.bearer(token)).text("api_key"),
                is(key));
        Client.Res byKey = Client.get(w.port(), "/v1/balance/info", Client.bearer(key));
        assertThat(byKey.raw().body(), byKey.body().path("balance").asLong(), is(25_000L));
        assertThat(byKey.text("api_key"), is(key));
        long plain = Db.withConnection(db.dataSource(), c -> {
            var ps = c.prepareStatement("SELECT count(*) FROM wallet_tokens_in WHERE coalesce(wrapped_key, '') LIKE ?");
            ps.setString(1, "%" + key.substring(3) + "%");
            var rs = ps.executeQuery();
            rs.next();
            return rs.getLong(1);
        });
        assertThat("the key is never stored usable", plain, is(0L));
        assertThat(Client.post(w.port(), "/internal/redeem", Map.of("token", token), Client.internal()).text("key_hash"),
                is(ApiKeys.hash(key)));
        assertThat(key, not(is(token)));
    }

    private static String create(long sats) {
        Client.Res r = Client.post(w.port(), "/v1/wallet/create", Map.of("cashu_token", mint.mintToken(sats)));
        assertThat(r.raw().body(), r.status(), is(200));
        return r.text("api_key");
    }
}
