import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import org.routstr.billing.consume.ConsumerSettings;
import org.routstr.billing.consume.UsageConsumer;
import org.routstr.common.db.Db;
import org.routstr.common.db.DbSettings;
import org.routstr.common.events.UsageEvent;
import org.routstr.common.json.Json;
import org.routstr.common.kafka.Kafka;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.embedded.EmbeddedDatabase;
import org.routstr.embedded.KafkaProcess;
import org.routstr.ledger.Ledger;
import org.routstr.ledger.NewAccount;

/**
 * Billing benchmark: (1) settled events per second for one consumer draining a pre-loaded topic, (2) settlement lag
 * (event time to commit) under a steady 1,000 events/s. Embedded PostgreSQL (durable: fsync on) + a broker in its own JVM.
 */
public class Bench {
    static final int ACCOUNTS = 1_000;

    public static void main(String[] args) throws Exception {
        int drainEvents = Integer.parseInt(System.getProperty("events", "200000"));
        int rate = Integer.parseInt(System.getProperty("rate", "1000"));
        int seconds = Integer.parseInt(System.getProperty("seconds", "30"));
        Path dir = Files.createTempDirectory("billing-bench");
        try (EmbeddedDatabase pg = EmbeddedDatabase.start(Optional.of(dir.resolve("pg")), 0, !Boolean.getBoolean("fast"));
             KafkaProcess broker = KafkaProcess.start(dir.resolve("kafka"), 0)) {
            pg.createDatabase("bench");
            HikariDataSource ds = Db.pool(new DbSettings(pg.jdbcUrl("bench"), pg.user(), "", 8), "bench");
            Db.migrate(ds);
            KafkaSettings kafka = new KafkaSettings(broker.bootstrapServers(), "bench");
            topic(kafka, "bench-drain");
            topic(kafka, "bench-lag");
            List<String> accounts = accounts(ds);

            // (1) throughput: everything is on the topic before the consumer starts
            List<UsageEvent> events = reserve(ds, accounts, drainEvents);
            try (KafkaProducer<String, byte[]> p = Kafka.producer(kafka)) {
                for (UsageEvent e : events) {
                    p.send(new ProducerRecord<>("bench-drain", e.accountHash(), Json.bytes(e)));
                }
                p.flush();
            }
            AtomicLong settled = new AtomicLong();
            AtomicLong batches = new AtomicLong();
            AtomicLong firstCommit = new AtomicLong();
            CountDownLatch done = new CountDownLatch(1);
            long t0 = System.nanoTime();
            try (UsageConsumer c = new UsageConsumer(ds, kafka, settings("drain"), b -> {
                batches.incrementAndGet();
                firstCommit.compareAndSet(0, System.nanoTime());
                if (settled.addAndGet(b.settled()) >= drainEvents) {
                    done.countDown();
                }
            }).start()) {
                done.await();
            }
            long t1 = System.nanoTime();
            double secs = (t1 - t0) / 1e9;
            double fromFirst = (t1 - firstCommit.get()) / 1e9;
            System.out.printf("THROUGHPUT: %d events settled in %.2f s = %.0f events/s including the group join; "
                              + "%.0f events/s from the first commit on (%d batches)%n",
                              drainEvents, secs, drainEvents / secs, drainEvents / fromFirst, batches.get());

            // (2) lag at a steady rate
            int n = rate * seconds;
            List<UsageEvent> steady = reserve(ds, accounts, n);
            long[] lags = new long[n];
            AtomicLong seen = new AtomicLong();
            CountDownLatch all = new CountDownLatch(1);
            try (UsageConsumer c = new UsageConsumer(ds, kafka, settings("lag"), b -> {
                for (UsageEvent e : b.events()) {
                    long i = seen.getAndIncrement();
                    if (i < n) {
                        lags[(int) i] = b.committedAtMillis() - e.at().toEpochMilli();
                    }
                }
                if (seen.get() >= n) {
                    all.countDown();
                }
            }).start();
                 KafkaProducer<String, byte[]> p = Kafka.producer(kafka)) {
                Thread.sleep(3_000); // let the consumer join its group first
                long start = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    long due = start + (long) i * 1_000_000_000L / rate;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    UsageEvent e = steady.get(i);
                    UsageEvent stamped = new UsageEvent(e.schema(), e.requestId(), e.accountHash(), e.keyHash(), e.model(),
                                                        e.provider(), e.endpoint(), e.status(), e.reservedMsat(), e.costMsat(),
                                                        e.inputTokens(), e.outputTokens(), e.cachedTokens(),
                                                        e.cacheWriteTokens(), e.pricing(), Instant.now());
                    p.send(new ProducerRecord<>("bench-lag", stamped.accountHash(), Json.bytes(stamped)));
                }
                p.flush();
                all.await();
            }
            Arrays.sort(lags);
            System.out.printf("LAG at %d events/s for %d s: p50 %d ms, p99 %d ms, max %d ms%n", rate, seconds,
                              lags[n / 2], lags[(int) (n * 0.99)], lags[n - 1]);
            ds.close();
        }
    }

    static ConsumerSettings settings(String topicSuffix) {
        return new ConsumerSettings("bench-" + topicSuffix, "bench-" + topicSuffix, Integer.getInteger("batch", 10_000),
                                    Integer.getInteger("parallelism", 1), Duration.ofMillis(100),
                                    Duration.ofMillis(500), Duration.ofSeconds(10));
    }

    static void topic(KafkaSettings kafka, String name) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new NewTopic(name, 4, (short) 1))).all().get();
        }
    }

    static List<String> accounts(HikariDataSource ds) {
        Ledger ledger = new Ledger(ds);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < ACCOUNTS; i++) {
            String h = String.format("%064x", new java.math.BigInteger(1, UUID.randomUUID().toString().getBytes()).shiftLeft(8));
            h = h.substring(h.length() - 64);
            ledger.open(NewAccount.of(h));
            ledger.credit(h, 1_000_000_000_000L, "deposit:" + h, "bench");
            out.add(h);
        }
        return out;
    }

    /** Reserves {@code n} requests across the accounts (bulk SQL) and returns their usage events. */
    static List<UsageEvent> reserve(HikariDataSource ds, List<String> accounts, int n) {
        Random rnd = new Random();
        List<UsageEvent> events = new ArrayList<>(n);
        for (int from = 0; from < n; from += 10_000) {
            int to = Math.min(n, from + 10_000);
            Object[] ids = new Object[to - from];
            Object[] keys = new Object[to - from];
            Object[] amounts = new Object[to - from];
            for (int i = from; i < to; i++) {
                UUID id = UUID.randomUUID();
                String acct = accounts.get(rnd.nextInt(accounts.size()));
                long reserved = 10_000 + rnd.nextInt(100_000);
                ids[i - from] = id;
                keys[i - from] = acct;
                amounts[i - from] = reserved;
                events.add(new UsageEvent(UsageEvent.SCHEMA, id.toString(), acct, acct, "bench-model", "p", "/v1/chat/completions",
                                          200, reserved, rnd.nextLong(reserved + 1), 500, 200, 0, 0, "usage", Instant.now()));
            }
            Db.withConnection(ds, c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT count(*) FROM (SELECT ledger_reserve(i, k, a) FROM unnest(?::uuid[], ?::text[], ?::int8[]) t (i, k, a)) x")) {
                    ps.setArray(1, c.createArrayOf("uuid", ids));
                    ps.setArray(2, c.createArrayOf("text", keys));
                    ps.setArray(3, c.createArrayOf("int8", amounts));
                    ps.executeQuery().close();
                }
                return null;
            });
        }
        return events;
    }
}
