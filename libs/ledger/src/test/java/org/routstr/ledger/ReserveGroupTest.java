package org.routstr.ledger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
            ledger.open(NewAccount.child(c, p, Optional.empty(), Optional.empty()));
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

    /**
     * V190's batch decides like V180 alone: two identical worlds of keys (self-paying, with a spending limit, with a limit
     * window, revoked, expired, a parent with two child keys, an unknown key), one batch of mixed reservations (zero
     * amounts, ids repeated in the batch and reserved before) into world A, the same reservations one at a time in the
     * batch's lock order into world B. Every outcome, every available amount and every account's reserved and request
     * count must match.
     */
    @Test
    void aBatchDecidesEachReservationAsItWouldBeDecidedAlone(DataSource ds) {
        Ledger ledger = new Ledger(ds);
        long seed = Long.getLong("ledger.seed", System.nanoTime());
        java.util.Random rnd = new java.util.Random(seed);
        for (int round = 0; round < 30; round++) {
            List<String> suffixes = IntStream.range(0, 9).mapToObj(i -> newKeyHash().substring(1)).toList();
            long[] balances = rnd.longs(9, 0, 4_000).toArray();
            List<List<String>> worlds = new ArrayList<>();
            for (char w : new char[] {'a', 'b'}) {
                List<String> keys = suffixes.stream().map(x -> w + x).toList();
                funded(ledger, keys.get(0), balances[0]);
                funded(ledger, keys.get(1), balances[1]);
                Optional<Instant> none = Optional.empty();
                ledger.open(account(keys.get(2), Optional.of(1_500L), Optional.empty(), none, none));
                ledger.credit(keys.get(2), 1 + balances[2], "deposit:" + keys.get(2), "start");
                ledger.open(account(keys.get(3), Optional.of(2_000L), Optional.of(LimitReset.DAILY), none, none));
                ledger.credit(keys.get(3), 1 + balances[3], "deposit:" + keys.get(3), "start");
                funded(ledger, keys.get(4), 1 + balances[4]);
                setStatus(ds, keys.get(4), "revoked");
                // expired by its validity date in even rounds, by its expiry in odd ones
                Optional<Instant> past = Optional.of(Instant.now().minusSeconds(60));
                ledger.open(account(keys.get(5), Optional.empty(), Optional.empty(), round % 2 == 0 ? past : none,
                                    round % 2 == 0 ? none : past));
                funded(ledger, keys.get(6), 1 + balances[6]);
                ledger.open(NewAccount.child(keys.get(7), keys.get(6), Optional.of(900L), Optional.empty()));
                ledger.open(NewAccount.child(keys.get(8), keys.get(6), Optional.empty(), Optional.of(LimitReset.DAILY)));
                worlds.add(keys);
            }
            String unknown = newKeyHash().substring(1);
            UUID reservedBefore = UUID.randomUUID();
            UUID spentBefore = UUID.randomUUID();
            UUID heldBefore = UUID.randomUUID();
            List<Integer> picks = new ArrayList<>();
            List<Long> amounts = new ArrayList<>();
            List<UUID> ids = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                picks.add(rnd.nextInt(10));
                amounts.add(rnd.nextInt(8) == 0 ? 0L : 1 + rnd.nextInt(800));
                ids.add(i > 0 && rnd.nextInt(8) == 0 ? ids.get(rnd.nextInt(i)) : rnd.nextInt(12) == 0 ? reservedBefore : UUID.randomUUID());
            }
            List<List<ReserveRequest>> batches = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                List<String> keys = worlds.get(w);
                String world = w == 0 ? "a" : "b";
                ledger.reserve(inWorld(reservedBefore, w), keys.get(0), 1);
                // the limit key starts with money spent in its window and some reserved
                UUID spent = inWorld(spentBefore, w);
                UUID held = inWorld(heldBefore, w);
                ledger.reserve(spent, keys.get(2), 400);
                ledger.settle(spent, 300, "before the batch");
                ledger.reserve(held, keys.get(2), 200);
                List<ReserveRequest> batch = new ArrayList<>();
                for (int i = 0; i < picks.size(); i++) {
                    String key = picks.get(i) == 9 ? world + unknown : keys.get(picks.get(i));
                    batch.add(new ReserveRequest(inWorld(ids.get(i), w), key, amounts.get(i)));
                }
                batches.add(batch);
            }

            List<Reserved> grouped = ReserveGroup.all(ds, batches.get(0));
            List<ReserveRequest> b = batches.get(1);
            java.util.Map<String, String> payer = new java.util.HashMap<>();
            payer.put(worlds.get(1).get(7), worlds.get(1).get(6));
            payer.put(worlds.get(1).get(8), worlds.get(1).get(6));
            List<Integer> lockOrder = IntStream.range(0, b.size()).boxed()
                    .sorted(java.util.Comparator.<Integer, String>comparing(i -> payer.getOrDefault(b.get(i).keyHash(), b.get(i).keyHash()))
                            .thenComparing(i -> b.get(i).keyHash()).thenComparing(i -> i)).toList();
            Reserved[] alone = new Reserved[b.size()];
            for (int i : lockOrder) {
                alone[i] = ledger.reserveSeeing(b.get(i).id(), b.get(i).keyHash(), b.get(i).msat());
            }
            for (int i = 0; i < b.size(); i++) {
                assertThat("seed " + seed + " round " + round + " reservation " + i + " of key " + picks.get(i) + ": " + amounts.get(i),
                           grouped.get(i), is(alone[i]));
            }
            for (int k = 0; k < 9; k++) {
                Account x = ledger.account(worlds.get(0).get(k)).orElseThrow();
                Account y = ledger.account(worlds.get(1).get(k)).orElseThrow();
                assertThat("seed " + seed + " round " + round + " key " + k, List.of(x.reservedMsat(), x.requests(), x.balanceMsat()),
                           is(List.of(y.reservedMsat(), y.requests(), y.balanceMsat())));
            }
        }
        assertThat(invariants(ds), is("ok"));
    }

    /** A top-level account with a limit, a limit window and validity dates, no refund settings. */
    private static NewAccount account(String key, Optional<Long> limit, Optional<LimitReset> reset, Optional<Instant> validUntil,
                                      Optional<Instant> expiresAt) {
        return new NewAccount(key, Optional.empty(), limit, reset, validUntil, expiresAt, Optional.empty(), Optional.empty(),
                              Optional.empty());
    }

    /** World b's copy of a reservation id (the same id in both worlds would be a duplicate across them). */
    private static UUID inWorld(UUID id, int world) {
        return world == 0 ? id : new UUID(id.getMostSignificantBits() ^ 0x5a5a5a5aL, id.getLeastSignificantBits());
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
