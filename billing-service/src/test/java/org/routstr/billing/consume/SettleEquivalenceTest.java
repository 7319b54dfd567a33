package org.routstr.billing.consume;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.routstr.billing.consume.SettlementRepository.Applied;
import org.routstr.billing.consume.SettlementRepository.Usage;
import org.routstr.common.db.Db;
import org.routstr.ledger.Account;
import org.routstr.ledger.Ledger;
import org.routstr.ledger.Settlement;
import org.routstr.testsupport.RealInfra;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.routstr.billing.consume.UsageFixtures.count;

/**
 * billing_apply_usage settles plain accounts set-based with its own copy of ledger_settle's arithmetic; the same events
 * (under-use, exact, zero, overruns) settled both ways must charge, write off and leave the same money.
 */
@RealInfra
class SettleEquivalenceTest {
    @Test
    void setBasedSettlementChargesExactlyWhatLedgerSettleCharges(DataSource ds) {
        Ledger ledger = new Ledger(ds);
        Random rnd = new Random(20);
        List<String> viaBatch = UsageFixtures.fundedAccounts(ds, 5, 5_000_000);
        List<String> viaLedger = UsageFixtures.fundedAccounts(ds, 5, 5_000_000);
        List<UUID> batchIds = new ArrayList<>();
        List<UUID> ledgerIds = new ArrayList<>();
        List<String> batchKeys = new ArrayList<>();
        List<String> ledgerKeys = new ArrayList<>();
        List<Long> amounts = new ArrayList<>();
        List<Long> costs = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            int a = rnd.nextInt(5);
            long reserved = rnd.nextLong(20_000);
            amounts.add(reserved);
            costs.add(switch (rnd.nextInt(4)) {
                case 0 -> reserved;
                case 1 -> reserved + 1 + rnd.nextLong(30_000);
                case 2 -> 0L;
                default -> rnd.nextLong(reserved + 1);
            });
            batchIds.add(UUID.randomUUID());
            ledgerIds.add(UUID.randomUUID());
            batchKeys.add(viaBatch.get(a));
            ledgerKeys.add(viaLedger.get(a));
        }
        UsageFixtures.reserveAll(ds, batchIds, batchKeys, amounts);
        UsageFixtures.reserveAll(ds, ledgerIds, ledgerKeys, amounts);
        List<Usage> batch = new ArrayList<>();
        long overruns = 0;
        long writtenOff = 0;
        for (int i = 0; i < batchIds.size(); i++) {
            batch.add(new Usage(batchIds.get(i), UsageFixtures.event(batchIds.get(i), batchKeys.get(i), amounts.get(i),
                                                                     costs.get(i), "equal")));
            if (costs.get(i) > amounts.get(i)) {
                overruns++;
                writtenOff += costs.get(i) - amounts.get(i);
            }
        }

        Applied applied = Db.inTransaction(ds, c -> SettlementRepository.apply(c, batch));
        List<Optional<Settlement>> byLedger = new ArrayList<>();
        for (int i = 0; i < ledgerIds.size(); i++) {
            byLedger.add(ledger.settle(ledgerIds.get(i), costs.get(i), null));
        }

        assertThat(applied.settled(), is(400));
        assertThat((long) applied.overruns(), is(overruns));
        assertThat(applied.overrunMsat(), is(writtenOff));
        for (int i = 0; i < batchIds.size(); i++) {
            Settlement s = byLedger.get(i).orElseThrow();
            String sql = "SELECT %s FROM ledger WHERE reservation_id = '" + batchIds.get(i) + "'";
            assertThat("charge " + i, -count(ds, sql.formatted("amount_msat")), is(s.chargedMsat()));
            assertThat("unpaid " + i, count(ds, sql.formatted("unpaid_msat")), is(s.unpaidMsat()));
            assertThat("recorded " + i, count(ds, "SELECT charged_msat + unpaid_msat FROM billing_processed_events WHERE request_id = '"
                                                  + batchIds.get(i) + "'"), is(s.chargedMsat() + s.unpaidMsat()));
        }
        for (int a = 0; a < 5; a++) {
            Account x = ledger.account(viaBatch.get(a)).orElseThrow();
            Account y = ledger.account(viaLedger.get(a)).orElseThrow();
            assertThat(x.balanceMsat(), is(y.balanceMsat()));
            assertThat(x.spentMsat(), is(y.spentMsat()));
            assertThat(x.reservedMsat(), is(0L));
        }
        assertThat(UsageFixtures.conservation(ds), is("ok"));
    }
}
