package org.routstr.billing.orphan;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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

        OrphanSweeper sweeper = sweeper(ds);
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
        assertThat(sweeper(ds).sweep(), is(1));

        apply(ds, UsageFixtures.event(orphan, acct, 10_000, 50_000, "late-high"));

        assertThat(new Ledger(ds).account(acct).orElseThrow().balanceMsat(), is(DEPOSIT - 10_000));
        assertThat(count(ds, "SELECT count(*) FROM ledger WHERE reservation_id = '" + orphan + "'"), is(1L));
    }

    @Test
    void aTrulyOrphanedRequestIsChargedTheAccountsTypicalCostNotItsWorstCase(DataSource ds) {
        String acct = UsageFixtures.fundedAccounts(ds, 1, DEPOSIT).getFirst();
        List<UUID> done = List.of(UUID.randomUUID(), UUID.randomUUID());
        UsageFixtures.reserveAll(ds, done, List.of(acct, acct), List.of(45_000L, 45_000L));
        apply(ds, UsageFixtures.event(done.get(0), acct, 45_000, 300, "m"));
        apply(ds, UsageFixtures.event(done.get(1), acct, 45_000, 400, "m"));
        UUID orphan = UUID.randomUUID();
        UUID inOutbox = UUID.randomUUID();
        UsageFixtures.reserveAll(ds, List.of(orphan, inOutbox), List.of(acct, acct), List.of(45_000L, 45_000L));
        exec(ds, "UPDATE reservations SET heartbeat_at = now() - interval '5 minutes' WHERE id IN ('" + orphan + "', '" + inOutbox + "')");
        // its event waits in a gateway's outbox: the relay will deliver it, so it is no orphan
        exec(ds, "INSERT INTO usage_outbox (request_id, event_key, payload) VALUES ('" + inOutbox + "', 'k', '\\x00')");

        assertThat(sweeper(ds).sweep(), is(1));

        assertThat(count(ds, "SELECT charged_msat FROM reservations WHERE id = '" + orphan + "'"), is(350L));
        assertThat(status(ds, inOutbox), is(1L));
        assertThat(new Ledger(ds).account(acct).orElseThrow().balanceMsat(), is(DEPOSIT - 300 - 400 - 350));
        assertThat(UsageFixtures.conservation(ds), is("ok"));
        // the other tests sweep with a cutoff of now: leave nothing lapsed behind
        exec(ds, "DELETE FROM usage_outbox WHERE request_id = '" + inOutbox + "'");
        assertThat(new Ledger(ds).release(inOutbox), is(true));
    }

    @Test
    void nothingIsSweptBeforeBillingHasCaughtUpAndOnlyWhatLapsedBeforeThatMoment(DataSource ds) {
        String acct = UsageFixtures.fundedAccounts(ds, 1, DEPOSIT).getFirst();
        UUID old = UUID.randomUUID();
        UUID recent = UUID.randomUUID();
        UsageFixtures.reserveAll(ds, List.of(old, recent), List.of(acct, acct), List.of(10_000L, 10_000L));
        exec(ds, "UPDATE reservations SET heartbeat_at = now() - interval '10 minutes' WHERE id = '" + old + "'");
        exec(ds, "UPDATE reservations SET heartbeat_at = now() - interval '3 minutes' WHERE id = '" + recent + "'");

        assertThat(new OrphanSweeper(ds, Duration.ofSeconds(120), Duration.ofSeconds(30), Optional::empty).sweep(), is(0));
        // billing caught up as of five minutes ago: only what lapsed (heartbeat + 120 s) before then is an orphan
        Timestamp fiveMinutesAgo = new Timestamp(System.currentTimeMillis() - 300_000);
        assertThat(new OrphanSweeper(ds, Duration.ofSeconds(120), Duration.ofSeconds(30), () -> Optional.of(fiveMinutesAgo)).sweep(),
                   is(1));
        assertThat(status(ds, old), is(0L));
        assertThat(status(ds, recent), is(1L));
        assertThat(new Ledger(ds).release(recent), is(true));
    }

    /** A sweeper for which billing has consumed everything up to now (no Kafka in these tests). */
    private static OrphanSweeper sweeper(DataSource ds) {
        return new OrphanSweeper(ds, Duration.ofSeconds(120), Duration.ofSeconds(30),
                                 () -> Optional.of(new Timestamp(System.currentTimeMillis())));
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
