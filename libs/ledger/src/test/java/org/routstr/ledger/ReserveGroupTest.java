package org.routstr.ledger;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.routstr.common.db.Db;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.routstr.ledger.LedgerFixtures.invariants;
import static org.routstr.ledger.LedgerFixtures.newKeyHash;

/** Group commit of reservations ({@link ReserveGroup}): every outcome as if each reservation ran alone. */
@org.routstr.testsupport.RealInfra
class ReserveGroupTest {

    @Test
    void aBatchOnOneKeyReservesOnlyWhatTheBalanceCovers(DataSource ds) {
        Ledger ledger = new Ledger(ds);
        String key = funded(ledger, 1_000);
        List<ReserveRequest> five = IntStream.range(0, 5).mapToObj(i -> new ReserveRequest(UUID.randomUUID(), key, 300)).toList();

        List<ReserveResult> r = ledger.reserveAll(five);

        assertThat(r, is(List.of(ReserveResult.OK, ReserveResult.OK, ReserveResult.OK, ReserveResult.INSUFFICIENT,
                                 ReserveResult.INSUFFICIENT)));
        assertThat(ledger.account(key).orElseThrow().reservedMsat(), is(900L));
        assertThat(invariants(ds), is("ok"));
        // ordinary reservation rows: the heartbeat (and so billing's orphan rule for a killed gateway) sees each one
        assertThat(ledger.heartbeat(five.stream().map(ReserveRequest::id).toList()), is(3));
        assertThat(ledger.release(five.getFirst().id()), is(true));
        assertThat(ledger.settle(five.get(1).id(), 120, "test").orElseThrow().chargedMsat(), is(120L));
        assertThat(invariants(ds), is("ok"));
    }

    /** Grouped, each reservation still sees the ones before it in its batch, and what they left. */
    @Test
    void aGroupedReservationSeesWhatTheOnesBeforeItLeft(DataSource ds) throws Exception {
        Ledger ledger = new Ledger(ds);
        String key = funded(ledger, 1_000);
        List<Future<Reserved>> got = new ArrayList<>();
        try (AutoCloseable g = ledger.groupReserves(1, 64); ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 5; i++) {
                got.add(pool.submit(() -> ledger.reserveSeeing(UUID.randomUUID(), key, 300)));
            }
            List<Reserved> r = new ArrayList<>();
            for (Future<Reserved> f : got) {
                r.add(f.get());
            }
            assertThat(r.stream().filter(x -> x.outcome() == ReserveResult.OK).map(Reserved::availableMsat).sorted().toList(),
                       is(List.of(100L, 400L, 700L)));
            assertThat(r.stream().filter(x -> x.outcome() == ReserveResult.INSUFFICIENT).map(Reserved::availableMsat).toList(),
                       is(List.of(100L, 100L)));
        }
        assertThat(invariants(ds), is("ok"));
    }

    @Test
    void aBatchKeepsEachOutcomeAndItsOrder(DataSource ds) {
        Ledger ledger = new Ledger(ds);
        String rich = funded(ledger, 10_000);
        String revoked = funded(ledger, 10_000);
        setStatus(ds, revoked, "revoked");
        UUID twice = UUID.randomUUID();
        ledger.reserve(twice, rich, 100);

        List<ReserveResult> r = ledger.reserveAll(List.of(new ReserveRequest(UUID.randomUUID(), revoked, 100),
                                                          new ReserveRequest(twice, rich, 100),
                                                          new ReserveRequest(UUID.randomUUID(), newKeyHash(), 100),
                                                          new ReserveRequest(UUID.randomUUID(), rich, 100)));

        assertThat(r, is(List.of(ReserveResult.REVOKED, ReserveResult.DUPLICATE, ReserveResult.UNKNOWN_KEY, ReserveResult.OK)));
        assertThat(ledger.account(rich).orElseThrow().reservedMsat(), is(200L));
        assertThat(ledger.account(revoked).orElseThrow().reservedMsat(), is(0L));
    }

    /** Two gateways (two ledgers, each grouping its own callers) hammer one key: never more reserved than it holds. */
    @Test
    void twoGroupingGatewaysOnOneKeyNeverOverspend(DataSource ds) throws Exception {
        Ledger a = new Ledger(ds);
        Ledger b = new Ledger(ds);
        long deposit = 100_000;
        long each = 700;
        String key = funded(a, deposit);
        AtomicLong ok = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        try (AutoCloseable ga = a.groupReserves(2, 64); AutoCloseable gb = b.groupReserves(2, 64);
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < 48; t++) {
                Ledger l = t % 2 == 0 ? a : b;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 8; i++) {
                        ReserveResult r = l.reserve(UUID.randomUUID(), key, each);
                        (r == ReserveResult.OK ? ok : refused).incrementAndGet();
                        assertThat(r == ReserveResult.OK || r == ReserveResult.INSUFFICIENT, is(true));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get();
            }
        }
        // 384 attempts of 700 on 100,000: exactly the 142 that fit succeed, the rest are refused
        assertThat(ok.get(), is(deposit / each));
        assertThat(refused.get(), is(48 * 8 - deposit / each));
        assertThat(a.account(key).orElseThrow().reservedMsat(), is(deposit / each * each));
        assertThat(invariants(ds), is("ok"));
    }

    @Test
    void aRevokedKeyIsRefusedByTheVeryNextGroupedReservation(DataSource ds) throws Exception {
        Ledger ledger = new Ledger(ds);
        String key = funded(ledger, 1_000_000);
        try (AutoCloseable g = ledger.groupReserves(2, 64)) {
            assertThat(ledger.reserve(UUID.randomUUID(), key, 10), is(ReserveResult.OK));
            setStatus(ds, key, "revoked");
            assertThat(ledger.reserve(UUID.randomUUID(), key, 10), is(ReserveResult.REVOKED));
        }
    }

    @Test
    void afterCloseReservationsRunAloneAgain(DataSource ds) throws Exception {
        Ledger ledger = new Ledger(ds);
        String key = funded(ledger, 1_000);
        ledger.groupReserves(1, 8).close();
        assertThat(ledger.reserve(UUID.randomUUID(), key, 600), is(ReserveResult.OK));
        assertThat(ledger.reserve(UUID.randomUUID(), key, 600), is(ReserveResult.INSUFFICIENT));
    }

    /**
     * Two batches that take the same rows in opposite orders if sorted by key alone: with P &lt; A &lt; C (C a child key of
     * P), [A, C] locks A then P (C's paying account, locked before C), while [P, A] locks P then A: PostgreSQL aborts one
     * as a deadlock after a second. Sorted by paying account first, both take P before A and neither waits on the other.
     */
    @Test
    void batchesLockPayingAccountsInOneOrderSoChildKeysNeverDeadlockThem(DataSource ds) throws Exception {
        Ledger ledger = new Ledger(ds);
        int deadlocks = 0;
        for (int round = 0; round < 40; round++) {
            String p = funded(ledger, "1" + newKeyHash().substring(1), 1_000_000);
            String a = funded(ledger, "5" + newKeyHash().substring(1), 1_000_000);
            String c = "9" + newKeyHash().substring(1);
            ledger.open(NewAccount.child(c, p, java.util.Optional.empty(), java.util.Optional.empty()));
            CountDownLatch start = new CountDownLatch(1);
            try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
                Future<List<ReserveResult>> one = pool.submit(() -> {
                    start.await();
                    return ledger.reserveAll(List.of(new ReserveRequest(UUID.randomUUID(), a, 10),
                                                     new ReserveRequest(UUID.randomUUID(), c, 10)));
                });
                Future<List<ReserveResult>> two = pool.submit(() -> {
                    start.await();
                    return ledger.reserveAll(List.of(new ReserveRequest(UUID.randomUUID(), p, 10),
                                                     new ReserveRequest(UUID.randomUUID(), a, 10)));
                });
                start.countDown();
                for (Future<List<ReserveResult>> f : List.of(one, two)) {
                    try {
                        assertThat(f.get(), is(List.of(ReserveResult.OK, ReserveResult.OK)));
                    } catch (java.util.concurrent.ExecutionException e) {
                        deadlocks++;
                    }
                }
            }
        }
        assertThat("batches aborted as deadlocks", deadlocks, is(0));
        assertThat(invariants(ds), is("ok"));
    }

    private static String funded(Ledger ledger, long msat) {
        return funded(ledger, newKeyHash(), msat);
    }

    private static String funded(Ledger ledger, String key, long msat) {
        ledger.open(NewAccount.of(key));
        ledger.credit(key, msat, "deposit:" + key, "start");
        return key;
    }

    private static void setStatus(DataSource ds, String key, String status) {
        Db.withConnection(ds, c -> {
            try (var ps = c.prepareStatement("UPDATE accounts SET status = ? WHERE key_hash = ?")) {
                ps.setString(1, status);
                ps.setString(2, key);
                return ps.executeUpdate();
            }
        });
    }
}
