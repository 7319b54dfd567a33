package org.routstr.ledger;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import org.routstr.common.db.DbException;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.routstr.ledger.LedgerFixtures.newKeyHash;

/** Grouped balance reads ({@link ReadGroup}): every answer as a read of its own would give it, made after its call. */
@org.routstr.testsupport.RealInfra
class ReadGroupTest {

    @Test
    void concurrentReadsShareStatementsAndEachGetsItsOwnKeysFigure(DataSource ds) throws Exception {
        Ledger ledger = new Ledger(ds);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String key = newKeyHash();
            ledger.open(NewAccount.of(key));
            ledger.credit(key, 1_000 + i * 37, "deposit:" + key, "start");
            if (i % 3 == 0) {
                ledger.reserve(UUID.randomUUID(), key, 200 + i);
            }
            keys.add(key);
        }
        keys.add(newKeyHash()); // no account: 0, as a read of its own answers
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        List<String> asked = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            asked.add(keys.get(rnd.nextInt(keys.size())));
        }
        List<Future<Long>> got = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        try (AutoCloseable g = ledger.groupReads(64); ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String key : asked) {
                got.add(pool.submit(() -> {
                    go.await();
                    return ledger.available(key);
                }));
            }
            go.countDown();
            for (int i = 0; i < asked.size(); i++) {
                assertThat("read " + i + " (seed " + seed + ")", got.get(i).get(), is(ledger.availableAlone(asked.get(i))));
            }
            assertThat("statements for " + asked.size() + " concurrent reads", ledger.groupedReadStatements(),
                       lessThan((long) asked.size()));
        }
        assertThat(ledger.available(keys.getFirst()), is(1_000L - 200L));
        assertThat(ledger.available(keys.getLast()), is(0L));
    }

    /** A read made after a reservation, a release or a deposit committed sees it (read your own writes, grouped). */
    @Test
    void aGroupedReadSeesEverythingCommittedBeforeItsCall(DataSource ds) throws Exception {
        Ledger ledger = new Ledger(ds);
        String key = newKeyHash();
        ledger.open(NewAccount.of(key));
        ledger.credit(key, 10_000, "deposit:" + key, "start");
        long expected = 10_000;
        try (AutoCloseable g = ledger.groupReads(64); ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            // other readers keep the group busy, so the reads below go through batches, not alone
            String other = newKeyHash();
            var noise = pool.submit(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    ledger.available(other);
                }
                return null;
            });
            for (int i = 0; i < 40; i++) {
                UUID id = UUID.randomUUID();
                ledger.reserve(id, key, 100);
                expected -= 100;
                assertThat(ledger.available(key), is(expected));
                if (i % 2 == 0) {
                    ledger.release(id);
                    expected += 100;
                    assertThat(ledger.available(key), is(expected));
                }
                if (i % 5 == 0) {
                    ledger.credit(key, 7, "deposit:" + key + ":" + i, "more");
                    expected += 7;
                    assertThat(ledger.available(key), is(expected));
                }
            }
            noise.cancel(true);
            assertThat("the reads went through the group", ledger.groupedReadStatements() > 80, is(true));
        }
    }

    /** A database the group cannot reach fails each waiting read with the exception a read of its own throws. */
    @Test
    void aFailedBatchFailsEachReadAsAReadOfItsOwnWould() throws Exception {
        PGSimpleDataSource nowhere = new PGSimpleDataSource();
        nowhere.setURL("jdbc:postgresql://127.0.0.1:1/none?connectTimeout=2");
        Ledger ledger = new Ledger(nowhere);
        assertThrows(DbException.class, () -> ledger.available("k"));
        try (AutoCloseable g = ledger.groupReads(8); ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Long>> got = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                got.add(pool.submit(() -> ledger.available("k")));
            }
            for (Future<Long> f : got) {
                var e = assertThrows(java.util.concurrent.ExecutionException.class, f::get);
                assertThat(e.getCause() instanceof DbException, is(true));
            }
        }
    }
}
