package org.routstr.billing.consume;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.routstr.billing.consume.SettlementRepository.Usage;
import org.routstr.common.db.Db;
import org.routstr.common.db.DbException;
import org.routstr.common.events.UsageEvent;
import org.routstr.ledger.Ledger;
import org.routstr.ledger.NewAccount;
import org.routstr.ledger.ReserveResult;
import org.routstr.testsupport.RealInfra;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

/**
 * Billing's set settlement locks the paying parents and then their children; the gateway's child reserve must take the
 * same order. Child-key reserve traffic next to billing batches of child-key events: no deadlock, no batch rolled back.
 */
@RealInfra
class SettleLockOrderTest {
    private static final int PARENTS = 4;
    private static final int CHILDREN = 6;

    @Test
    void childKeyReservesNextToBillingBatchesNeverDeadlock(DataSource ds) throws Exception {
        Ledger ledger = new Ledger(ds);
        List<String> parents = UsageFixtures.fundedAccounts(ds, PARENTS, 1_000_000_000_000L);
        List<String> children = new ArrayList<>();
        List<String> parentOf = new ArrayList<>();
        for (String p : parents) {
            for (int i = 0; i < CHILDREN; i++) {
                String c = UsageFixtures.newKeyHash();
                ledger.open(NewAccount.child(c, p, java.util.Optional.empty(), java.util.Optional.empty()));
                children.add(c);
                parentOf.add(p);
            }
        }
        ConcurrentLinkedQueue<Usage> pending = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong reserves = new AtomicLong();
        AtomicLong settled = new AtomicLong();
        Instant end = Instant.now().plus(Duration.ofSeconds(12));
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<?>> tasks = new ArrayList<>();
        for (int t = 0; t < 5; t++) {
            long seed = t;
            tasks.add(pool.submit(() -> {
                Random rnd = new Random(seed);
                while (!stop.get()) {
                    int i = rnd.nextInt(children.size());
                    UUID id = UUID.randomUUID();
                    try {
                        if (ledger.reserve(id, children.get(i), 1_000 + rnd.nextInt(5_000)) == ReserveResult.OK) {
                            reserves.incrementAndGet();
                            pending.add(new Usage(id, childEvent(id, parentOf.get(i), children.get(i), 3_000)));
                        }
                    } catch (DbException e) {
                        failures.add("reserve: " + e.sqlState() + " " + e.getMessage());
                    }
                }
            }));
        }
        tasks.add(pool.submit(() -> {
            while (!stop.get()) {
                List<Usage> batch = new ArrayList<>();
                for (Usage u; batch.size() < 2_000 && (u = pending.poll()) != null; ) {
                    batch.add(u);
                }
                if (batch.isEmpty()) {
                    continue;
                }
                try {
                    settled.addAndGet(Db.inTransaction(ds, c -> SettlementRepository.apply(c, batch)).settled());
                } catch (DbException e) {
                    failures.add("batch of " + batch.size() + ": " + e.sqlState() + " " + e.getMessage());
                }
            }
        }));
        while (Instant.now().isBefore(end) && failures.isEmpty()) {
            Thread.sleep(100);
        }
        stop.set(true);
        for (Future<?> f : tasks) {
            f.get();
        }
        pool.shutdown();
        assertThat("no deadlock, no rolled-back batch", List.copyOf(failures), is(empty()));
        List<Usage> rest = List.copyOf(pending);
        settled.addAndGet(Db.inTransaction(ds, c -> SettlementRepository.apply(c, rest)).settled());
        assertThat(settled.get(), greaterThan(1_000L));
        assertThat("every reservation made was settled once", settled.get(), is(reserves.get()));
        assertThat(UsageFixtures.conservation(ds), is("ok"));
    }

    private static UsageEvent childEvent(UUID id, String parent, String child, long cost) {
        return new UsageEvent(UsageEvent.SCHEMA, id.toString(), parent, child, "lock-order", "p", "/v1/chat/completions", 200,
                              6_000, cost, 1, 1, 0, 0, "usage", Instant.now());
    }
}
