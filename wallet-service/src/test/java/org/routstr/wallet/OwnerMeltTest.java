package org.routstr.wallet;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.routstr.common.kafka.KafkaSettings;
import org.routstr.common.keys.ApiKeys;
import org.routstr.common.server.RunningService;
import org.routstr.crypto.cashu.client.CashuWallet;
import org.routstr.crypto.cashu.client.MintClient;
import org.routstr.ledger.Ledger;
import org.routstr.testmint.FailureMode;
import org.routstr.testmint.TestMint;
import org.routstr.testsupport.RealInfra;
import org.routstr.testsupport.ServiceSmoke;
import org.routstr.testsupport.TestDb;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * The operator's Lightning withdrawal ({@code POST /internal/owner/melt}) against the test mint's fake Lightning: the
 * owner's share falls by amount plus the fee exactly while users' money stays, a repeated idempotency key pays once, a
 * failed melt gives the proofs back, and more than the share (fee reserve included) is refused.
 */
@RealInfra
class OwnerMeltTest {
    @Test
    void meltsTheOwnersShareToALightningAddressOnceAndAFailedMeltReturnsTheMoney(TestDb db, KafkaSettings kafka) {
        try (TestMint mint = TestMint.builder().feeReserve(10, 1).lightningFee(3).start();
             TestMint payee = TestMint.start();
             LnurlStandIn address = LnurlStandIn.start(payee)) {
            org.routstr.common.db.Db.withConnection(db.dataSource(),
                    c -> c.createStatement().executeUpdate("DELETE FROM settings WHERE name = 'mints'"));
            RunningService w = Main.start(ServiceSmoke.config(db, kafka, Map.of("wallet.trusted-mints", mint.url(),
                    "internal.token", Client.INTERNAL, "wallet.mint-timeout", "PT5S", "wallet.allowed-hosts", "127.0.0.1")));
            try {
                ownerEarns(w, new Ledger(db.dataSource()), mint, 2_000);
                String user = Client.post(w.port(), "/v1/wallet/create", Map.of("cashu_token", mint.mintToken(700))).text("api_key");
                Client.Res before = owner(w);
                long users = before.body().path("user_msat").asLong();
                assertThat(users >= 700_000, is(true));

                String lnAddress = "owner@127.0.0.1:" + address.port();
                String key = UUID.randomUUID().toString();
                Client.Res paid = melt(w, Map.of("destination", lnAddress, "amount", 1_000, "idempotency_key", key));
                assertThat(paid.raw().body(), paid.status(), is(200));
                assertThat(paid.text("state"), is("paid"));
                assertThat(paid.body().path("amount").asLong(), is(1_000L));
                assertThat("the fake Lightning fee; the unused reserve came back as change", paid.body().path("fee").asLong(), is(3L));
                assertThat(address.invoicedMsat(), is(1_000_000L));
                Client.Res after = owner(w);
                assertThat("the share fell by amount + fee exactly",
                           before.body().path("owner_msat").asLong() - after.body().path("owner_msat").asLong(), is(1_003_000L));
                assertThat(before.body().path("wallet_msat").asLong() - after.body().path("wallet_msat").asLong(), is(1_003_000L));
                assertThat("users' money is untouched", after.body().path("user_msat").asLong(), is(users));
                assertThat(new Ledger(db.dataSource()).account(ApiKeys.hash(user)).orElseThrow().balanceMsat(), is(700_000L));

                Client.Res again = melt(w, Map.of("destination", lnAddress, "amount", 1_000, "idempotency_key", key));
                assertThat(again.text("id"), is(paid.text("id")));
                assertThat(again.text("state"), is("paid"));
                assertThat("paid once", address.invoicedMsat(), is(1_000_000L));
                assertThat(owner(w).body().path("owner_msat").asLong(), is(after.body().path("owner_msat").asLong()));

                long share = after.body().path("owner_msat").asLong() / 1000;
                Client.Res tooMuch = melt(w, Map.of("destination", lnAddress, "amount", share, "idempotency_key", "too-much"));
                assertThat("the fee reserve counts against the share: " + tooMuch.raw().body(), tooMuch.status(), is(400));
                assertThat(tooMuch.code(), is("insufficient_owner_balance"));

                mint.failureMode(FailureMode.MELT_FAILS);
                String invoice = new CashuWallet(MintClient.create(payee.url())).requestMintQuote(200, "sat").request();
                Client.Res failed = melt(w, Map.of("destination", invoice, "idempotency_key", "fails"));
                assertThat(failed.raw().body(), failed.text("state"), is("failed"));
                assertThat("the proofs are back", owner(w).body().path("owner_msat").asLong(), is(after.body().path("owner_msat").asLong()));
                mint.failureMode(FailureMode.NONE);
                Client.Res bad = melt(w, Map.of("destination", "not-an-address", "amount", 5, "idempotency_key", "bad"));
                assertThat(bad.raw().body(), bad.status(), is(400));
            } finally {
                w.stop();
            }
        }
    }

    /** A key whose whole balance was spent on a request: the node earned it. */
    private static void ownerEarns(RunningService w, Ledger ledger, TestMint mint, long sat) {
        Client.Res spent = Client.post(w.port(), "/v1/wallet/create", Map.of("cashu_token", mint.mintToken(sat)));
        String hash = ApiKeys.hash(spent.text("api_key"));
        UUID request = UUID.randomUUID();
        ledger.reserve(request, hash, ledger.account(hash).orElseThrow().availableMsat());
        ledger.settle(request, Long.MAX_VALUE, "test: the node earned this");
    }

    private static Client.Res owner(RunningService w) {
        return Client.get(w.port(), "/internal/owner/balance", Client.internal());
    }

    private static Client.Res melt(RunningService w, Map<String, Object> body) {
        return Client.post(w.port(), "/internal/owner/melt", body, Client.internal());
    }
}
