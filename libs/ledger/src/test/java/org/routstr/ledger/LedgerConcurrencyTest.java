package org.routstr.ledger;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.routstr.common.db.Db;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.routstr.ledger.LedgerFixtures.invariants;
import static org.routstr.ledger.LedgerFixtures.newKeyHash;

@org.routstr.testsupport.RealInfra
class LedgerConcurrencyTest {
    private static final int THREADS = 64;

    /** The same reservation id retried at once from many threads (plain key and child key): held once, never twice. */
    @Test
    void oneReservationIdRacedFromManyThreadsIsHeldOnce(DataSource ds) throws Exception {
        Ledger ledger = new Ledger(ds);
        String parent = newKeyHash();
        ledger.open(NewAccount.of(parent));
        ledger.credit(parent, 1_000_000, "deposit:" + parent, "start");
        String child = newKeyHash();
        ledger.open(NewAccount.child(child, parent, java.util.Optional.of(500_000L), java.util.Optional.empty()));
        for (int round = 0; round < 20; round++) {
            String key = round % 2 == 0 ? parent : child;
            UUID id = UUID.randomUUID();
            List<ReserveResult> r = race(8, () -> ledger.reserve(id, key, 1_000));
            assertThat(r.toString(), r.stream().filter(x -> x == ReserveResult.OK).count(), is(1L));
            assertThat(r.toString(), r.stream().filter(x -> x == ReserveResult.DUPLICATE).count(), is(7L));
            assertThat(ledger.account(parent).orElseThrow().reservedMsat(), is(1_000L * (round + 1)));
            assertThat(ledger.account(child).orElseThrow().reservedMsat(), is(1_000L * ((round + 1) / 2)));
            assertThat(invariants(ds), is("ok"));
        }
        assertThat(ledger.account(parent).orElseThrow().requests(), is(20L));
    }

    /** A retry racing its first attempt on an account that cannot pay twice: 'duplicate', never a 402 for the retry. */
    @Test
    void aRacedRetryOnATightAccountIsADuplicateNotInsufficient(DataSource ds) throws Exception {
        Ledger ledger = new Ledger(ds);
        for (int round = 0; round < 20; round++) {
            String key = newKeyHash();
            ledger.open(NewAccount.of(key));
            ledger.credit(key, 1_000, "deposit:" + key, "start");
            UUID id = UUID.randomUUID();
            List<ReserveResult> r = race(6, () -> ledger.reserve(id, key, 800));
            assertThat(r.toString(), r.stream().filter(x -> x == ReserveResult.OK).count(), is(1L));
            assertThat(r.toString(), r.stream().filter(x -> x == ReserveResult.DUPLICATE).count(), is(5L));
            assertThat(ledger.account(key).orElseThrow().reservedMsat(), is(800L));
        }
        assertThat(invariants(ds), is("ok"));
    }

    @Test
    void sixtyFourThreadsNeverOverspendAndChargesMatchTheBalanceDrop(DataSource ds) throws Exception {
        Ledger ledger = new Ledger(ds);
        String key = newKeyHash();
        long deposit = 1_000_000;
        ledger.open(NewAccount.of(key));
        ledger.credit(key, deposit, "deposit:" + key, "start");

        AtomicLong charged = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        ConcurrentLinkedQueue<Long> availability = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
            for (int t = 0; t < THREADS; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 40; i++) {
                        ThreadLocalRandom rnd = ThreadLocalRandom.current();
                        UUID id = UUID.randomUUID();
                        long amount = 1_000 + rnd.nextLong(20_000);
                        ReserveResult r = ledger.reserve(id, key, amount);
                        availability.add(Db.withConnection(ds, c -> {
                            try (var ps = c.prepareStatement("SELECT balance_msat - reserved_msat FROM accounts WHERE key_hash = ?")) {
                                ps.setString(1, key);
                                var rs = ps.executeQuery();
                                rs.next();
                                return rs.getLong(1);
                            }
                        }));
                        if (r != ReserveResult.OK) {
                            refused.incrementAndGet();
                            continue;
                        }
                        if (rnd.nextInt(5) == 0) {
                            ledger.release(id);
                        } else {
                            // cost may exceed the reservation (an overrun) or fall below it
                            long cost = rnd.nextLong(amount * 3 / 2);
                            charged.addAndGet(ledger.settle(id, cost, "load").orElseThrow().chargedMsat());
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get();
            }
        }
        Account after = ledger.account(key).orElseThrow();
        assertThat(availability.stream().allMatch(a -> a >= 0), is(true));
        assertThat(after.reservedMsat(), is(0L));
        assertThat(after.balanceMsat(), greaterThanOrEqualTo(0L));
        assertThat("sum of charges equals the balance drop", deposit - after.balanceMsat(), is(charged.get()));
        assertThat(after.spentMsat(), is(charged.get()));
        assertThat("the account ran dry, so some reservations were refused", refused.get(), greaterThan(0L));
        assertThat(invariants(ds), is("ok"));
    }

    /** {@code call} from {@code threads} threads released at once; the answers in submission order. */
    private static List<ReserveResult> race(int threads, java.util.concurrent.Callable<ReserveResult> call) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<ReserveResult>> got = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                got.add(pool.submit(() -> {
                    start.await();
                    return call.call();
                }));
            }
            start.countDown();
            List<ReserveResult> r = new ArrayList<>();
            for (Future<ReserveResult> f : got) {
                r.add(f.get());
            }
            return r;
        }
    }
}
