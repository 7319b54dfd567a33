package org.routstr.billing.orphan;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.routstr.billing.consume.UsageFixtures;
import org.routstr.common.db.Db;
import org.routstr.ledger.Account;
import org.routstr.ledger.Ledger;
import org.routstr.testsupport.RealInfra;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.routstr.billing.consume.UsageFixtures.count;

@RealInfra
class OrphanSweeperTest {
    private static final long DEPOSIT = 1_000_000;

    @Test
    void chargesAnOrphanItsReservationAndALateEventGivesBackTheDifferenceOnce(DataSource ds) {
        String acct = UsageFixtures.fundedAccounts(ds, 1, DEPOSIT).getFirst();
        UUID orphan = UUID.randomUUID();
        UUID longStream = UUID.randomUUID();
        UsageFixtures.reserveAll(ds, List.of(orphan, longStream), List.of(acct, acct), List.of(40_000L, 30_000L));
        // both started ten minutes ago; only the stream's gateway kept heartbeating
        exec(ds, "UPDATE reservations SET created_at = now() - interval '10 minutes', heartbeat_at = now() - interval '10 minutes'");
        assertThat(new Ledger(ds).heartbeat(List.of(longStream)), is(1));

        OrphanSweeper sweeper = new OrphanSweeper(ds, Duration.ofSeconds(120), Duration.ofSeconds(30));
        assertThat(sweeper.sweep(), is(1));
        assertThat("a second sweep finds nothing", sweeper.sweep(), is(0));

        Account a = new Ledger(ds).account(acct).orElseThrow();
        assertThat(a.balanceMsat(), is(DEPOSIT - 40_000));
        assertThat("the live stream stays reserved", a.reservedMsat(), is(30_000L));
        assertThat(status(ds, longStream), is(1L));

        // the gateway's outbox delivers the real cost later: 25,000 of the 40,000 swept are given back, once
        var late = UsageFixtures.event(orphan, acct, 40_000, 15_000, "late");
        apply(ds, late);
        apply(ds, late);
        a = new Ledger(ds).account(acct).orElseThrow();
        assertThat(a.balanceMsat(), is(DEPOSIT - 15_000));
        assertThat(a.spentMsat(), is(15_000L));
        assertThat(count(ds, "SELECT count(*) FROM billing_processed_events WHERE outcome = 'reconciled' AND request_id = '" + orphan + "'"), is(1L));
        assertThat(UsageFixtures.conservation(ds), is("ok"));
    }

    @Test
    void aLateEventAboveTheSweptChargeDoesNotChargeAgain(DataSource ds) {
        String acct = UsageFixtures.fundedAccounts(ds, 1, DEPOSIT).getFirst();
        UUID orphan = UUID.randomUUID();
        UsageFixtures.reserveAll(ds, List.of(orphan), List.of(acct), List.of(10_000L));
        exec(ds, "UPDATE reservations SET heartbeat_at = now() - interval '5 minutes' WHERE id = '" + orphan + "'");
        assertThat(new OrphanSweeper(ds, Duration.ofSeconds(120), Duration.ofSeconds(30)).sweep(), is(1));

        apply(ds, UsageFixtures.event(orphan, acct, 10_000, 50_000, "late-high"));

        assertThat(new Ledger(ds).account(acct).orElseThrow().balanceMsat(), is(DEPOSIT - 10_000));
        assertThat(count(ds, "SELECT count(*) FROM ledger WHERE reservation_id = '" + orphan + "'"), is(1L));
    }

    private static void apply(DataSource ds, org.routstr.common.events.UsageEvent e) {
        exec(ds, "SELECT billing_apply_usage(ARRAY['" + e.requestId() + "']::uuid[], ARRAY['" + e.accountHash() + "'], ARRAY["
                 + e.costMsat() + "]::int8[], ARRAY['" + e.model() + "'], ARRAY[false], ARRAY[1]::int8[], ARRAY[1]::int8[], "
                 + "ARRAY[0]::int8[], ARRAY[now()])");
    }

    private static long status(DataSource ds, UUID id) {
        return count(ds, "SELECT count(*) FROM reservations WHERE status = 'active' AND id = '" + id + "'");
    }

    private static void exec(DataSource ds, String sql) {
        Db.withConnection(ds, c -> {
            try (var st = c.createStatement()) {
                return st.execute(sql);
            }
        });
    }
}
