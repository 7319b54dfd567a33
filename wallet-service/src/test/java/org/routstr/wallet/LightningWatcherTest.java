package org.routstr.wallet;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import org.routstr.common.kafka.KafkaSettings;
import org.routstr.common.keys.ApiKeys;
import org.routstr.common.server.RunningService;
import org.routstr.ledger.Ledger;
import org.routstr.testmint.TestMint;
import org.routstr.testsupport.RealInfra;
import org.routstr.testsupport.ServiceSmoke;
import org.routstr.testsupport.TestDb;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * A paid Lightning top-up is credited by the wallet's watcher with nobody asking for the invoice's status, and shows in
 * the key's history.
 */
@RealInfra
class LightningWatcherTest {
    @Test
    void aPaidInvoiceIsCreditedWithoutAnyoneAskingAndListedInTheHistory(TestDb db, KafkaSettings kafka) throws Exception {
        try (TestMint mint = TestMint.start()) {
            RunningService w = Main.start(ServiceSmoke.config(db, kafka, Map.of("wallet.trusted-mints", mint.url(),
                    "internal.token", Client.INTERNAL, "wallet.mint-timeout", "PT5S", "wallet.recovery-interval", "PT1H",
                    "wallet.invoice-watch-interval", "PT0.5S")));
            try {
                Client.Res created = Client.post(w.port(), "/v1/wallet/create", Map.of("cashu_token", mint.mintToken(10)));
                String key = created.text("api_key");
                Ledger ledger = new Ledger(db.dataSource());
                // the test mint pays every mint quote at once: the invoice is paid as soon as it exists
                Client.Res inv = Client.post(w.port(), "/lightning/invoice", Map.of("amount_sats", 9, "purpose", "topup"),
                        Client.bearer(key));
                assertThat(inv.raw().body(), inv.status(), is(200));
                Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
                while (ledger.account(ApiKeys.hash(key)).orElseThrow().balanceMsat() < 19_000 && Instant.now().isBefore(deadline)) {
                    Thread.sleep(100);
                }
                assertThat("credited by the watcher", ledger.account(ApiKeys.hash(key)).orElseThrow().balanceMsat(), is(19_000L));

                JsonNode history = Client.get(w.port(), "/v1/wallet/history", Client.bearer(key)).body().path("transactions");
                long lightning = 0;
                for (JsonNode t : history) {
                    if (t.path("source").asText().equals("lightning") && t.path("type").asText().equals("in")) {
                        lightning += t.path("amount").asLong();
                    }
                }
                assertThat("the top-up is in the history", lightning, is(9L));
                assertThat(history.size(), is(2));
            } finally {
                w.stop();
            }
        }
    }
}
