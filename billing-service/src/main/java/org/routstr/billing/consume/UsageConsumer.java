package org.routstr.billing.consume;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import javax.sql.DataSource;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import org.routstr.billing.consume.SettlementRepository.Applied;
import org.routstr.billing.consume.SettlementRepository.Usage;
import org.routstr.common.db.Db;
import org.routstr.common.db.DbException;
import org.routstr.common.events.UsageEvent;
import org.routstr.common.json.Json;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.common.tracing.Tracing;

/**
 * The settlement loop: polls usage events in batches and applies each batch, together with the partitions' next offsets,
 * in one database transaction; on (re)assignment it seeks to the offsets stored there. So a crash, a redelivery or a
 * rebalance mid-batch loses and doubles nothing (the request id is the duplicate detector).
 */
public final class UsageConsumer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(UsageConsumer.class.getName());
    private final DataSource ds;
    private final KafkaSettings kafka;
    private final ConsumerSettings settings;
    private final Consumer<Batch> listener;
    private final Tracing tracing;
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile KafkaConsumer<String, byte[]> consumer;
    private final ExecutorService workers;
    // filled by the workers of one poll, read by the polling thread after they finished
    private final Map<TopicPartition, Long> committed = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> forKafka = new HashMap<>();
    private long kafkaCommitAt;
    private final Map<TopicPartition, Long> rewind = new ConcurrentHashMap<>();
    private volatile boolean failed;
    private volatile boolean closed;

    /** A committed batch, for metrics: the events applied and what they did. */
    public record Batch(List<UsageEvent> events, int settled, int duplicates, int unknown, int overruns, long overrunMsat,
                        long committedAtMillis) {
    }

    public UsageConsumer(DataSource ds, KafkaSettings kafka, ConsumerSettings settings, Consumer<Batch> listener) {
        this(ds, kafka, settings, listener, Tracing.off());
    }

    /** As above; each settled event whose record carries a {@code traceparent} gets a settlement span in its trace. */
    public UsageConsumer(DataSource ds, KafkaSettings kafka, ConsumerSettings settings, Consumer<Batch> listener, Tracing tracing) {
        this.tracing = tracing;
        this.ds = ds;
        this.kafka = kafka;
        this.settings = settings;
        this.listener = listener;
        this.workers = Executors.newFixedThreadPool(settings.parallelism(),
                                                    Thread.ofPlatform().name("settle-" + settings.group() + "-", 0).daemon().factory());
    }

    /** Starts the loop on its own thread. */
    public UsageConsumer start() {
        consumer = new KafkaConsumer<>(properties());
        Thread.ofPlatform().name("usage-consumer-" + settings.group()).daemon().start(this::run);
        return this;
    }

    private Properties properties() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, kafka.clientId() + "-" + UUID.randomUUID().toString().substring(0, 8));
        p.put(ConsumerConfig.GROUP_ID_CONFIG, settings.group());
        settings.instanceId().ifPresent(id -> p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, id));
        // the database holds the offsets; Kafka's committed offsets are only informative (lag tools)
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.batchSize());
        // under load a fetch waits up to 10 ms to fill: far fewer fetches for the broker, settlement at most 10 ms later
        p.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 64 * 1024);
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) settings.sessionTimeout().toMillis());
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) Math.max(1000, settings.sessionTimeout().toMillis() / 4));
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    private void run() {
        KafkaConsumer<String, byte[]> c = consumer;
        try (c) {
            c.subscribe(List.of(settings.topic()), new SeekToStored(c));
            while (!closed) {
                ConsumerRecords<String, byte[]> records;
                try {
                    records = c.poll(settings.pollTimeout());
                } catch (WakeupException e) {
                    break;
                } catch (KafkaException e) {
                    LOG.log(Level.WARNING, "usage poll failed, retrying: " + e.getMessage());
                    pause();
                    continue;
                }
                if (!records.isEmpty()) {
                    handleOrRewind(c, records);
                }
            }
        } catch (WakeupException e) {
            // close() during a commit or seek: leave quietly
        } finally {
            workers.shutdown();
            finished.countDown();
        }
    }

    private void handleOrRewind(KafkaConsumer<String, byte[]> c, ConsumerRecords<String, byte[]> records) {
        try {
            handle(c, records);
        } catch (RuntimeException e) {
            // a bug, not a data problem: keep the records (what did commit is a duplicate next time) and try again later
            LOG.log(Level.ERROR, "usage batch failed unexpectedly; reading it again", e);
            for (TopicPartition tp : records.partitions()) {
                c.seek(tp, records.records(tp).getFirst().offset());
            }
            committed.clear();
            rewind.clear();
            pause();
        }
    }

    /**
     * Applies a poll's records: split by partition into up to {@code parallelism} groups, each applied with its partitions'
     * offsets in its own transaction on its own connection (the topic is keyed by account, so groups touch different
     * accounts). A group that fails is rolled back alone and its partitions are read again.
     */
    private void handle(KafkaConsumer<String, byte[]> c, ConsumerRecords<String, byte[]> records) {
        List<TopicPartition> partitions = new ArrayList<>(records.partitions());
        int groups = Math.min(settings.parallelism(), partitions.size());
        List<List<TopicPartition>> split = new ArrayList<>();
        for (int i = 0; i < groups; i++) {
            split.add(new ArrayList<>());
        }
        partitions.sort(java.util.Comparator.comparingInt(TopicPartition::partition));
        for (int i = 0; i < partitions.size(); i++) {
            split.get(i % groups).add(partitions.get(i));
        }
        if (groups == 1) {
            apply(records, split.getFirst());
        } else {
            applyInParallel(records, split);
        }
        // informative offsets for lag tools: at most once a second, which spares the group coordinator a commit per batch
        forKafka.putAll(committed);
        committed.clear();
        if (System.nanoTime() - kafkaCommitAt > 1_000_000_000L) {
            commitToKafka(c, forKafka);
            forKafka.clear();
            kafkaCommitAt = System.nanoTime();
        }
        rewind.forEach(c::seek);
        rewind.clear();
        if (failed) {
            failed = false;
            pause();
        }
    }

    private void applyInParallel(ConsumerRecords<String, byte[]> records, List<List<TopicPartition>> split) {
        List<Future<?>> running = new ArrayList<>();
        for (List<TopicPartition> group : split) {
            running.add(workers.submit(() -> apply(records, group)));
        }
        for (Future<?> f : running) {
            try {
                f.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("settlement worker failed", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closed = true;
            }
        }
    }

    private void apply(ConsumerRecords<String, byte[]> records, List<TopicPartition> group) {
        long started = System.nanoTime();
        List<Usage> batch = new ArrayList<>();
        List<org.apache.kafka.common.header.Headers> headers = new ArrayList<>();
        Map<TopicPartition, Long> next = new HashMap<>();
        Map<TopicPartition, Long> first = new HashMap<>();
        for (TopicPartition tp : group) {
            List<ConsumerRecord<String, byte[]>> rs = records.records(tp);
            first.put(tp, rs.getFirst().offset());
            next.put(tp, rs.getLast().offset() + 1);
            for (ConsumerRecord<String, byte[]> r : rs) {
                parse(r).ifPresent(batch::add);
                if (tracing.on()) {
                    headers.add(r.headers());
                }
            }
        }
        try {
            Applied a = Db.inTransaction(ds, conn -> {
                Applied applied = SettlementRepository.apply(conn, batch);
                SettlementRepository.storeOffsets(conn, settings.group(), next);
                return applied;
            });
            long now = System.currentTimeMillis();
            committed.putAll(next);
            tracing.spans("settle usage", tracing.extract(headers), started);
            if (a.unknown() > 0 || a.notActive() > 0) {
                LOG.log(Level.INFO, "usage batch: " + a.unknown() + " unknown and " + a.notActive()
                                    + " inactive reservations recorded and skipped");
            }
            if (a.overruns() > 0) {
                // the upstream billed more than the reservation: charged as the reservation, the rest written off
                LOG.log(Level.WARNING, "usage batch: " + a.overruns() + " overruns above their reservation charged as the"
                                       + " reservation, " + a.overrunMsat() + " msat written off");
            }
            notify(new Batch(batch.stream().map(Usage::event).toList(), a.settled() + a.reconciled(), a.duplicates(),
                             a.unknown(), a.overruns(), a.overrunMsat(), now));
        } catch (DbException e) {
            // nothing of this group was applied: read its records again after a pause (a deadlock, a database restart)
            LOG.log(Level.WARNING, "usage batch of " + batch.size() + " rolled back (" + e.sqlState() + "): " + e.getMessage());
            rewind.putAll(first);
            failed = true;
        }
    }

    private void notify(Batch b) {
        try {
            listener.accept(b);
        } catch (RuntimeException e) {
            // the batch is committed; a failing metrics hook must not stop settlement
            LOG.log(Level.WARNING, "settlement listener failed: " + e);
        }
    }

    private static void commitToKafka(KafkaConsumer<String, byte[]> c, Map<TopicPartition, Long> next) {
        if (next.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        next.forEach((tp, off) -> offsets.put(tp, new OffsetAndMetadata(off)));
        c.commitAsync(offsets, (o, e) -> {
            // informative only: the database offsets are the ones the consumer seeks to
        });
    }

    private static Optional<Usage> parse(ConsumerRecord<String, byte[]> r) {
        try {
            UsageEvent e = Json.read(r.value(), UsageEvent.class);
            return Optional.of(new Usage(UUID.fromString(e.requestId()), e));
        } catch (RuntimeException e) {
            // a poison message must not stop settlement; its bytes may hold anything, so log only where it is
            LOG.log(Level.ERROR, "unreadable usage event skipped at " + r.topic() + "-" + r.partition() + "@" + r.offset()
                                 + ": " + e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    private void pause() {
        try {
            Thread.sleep(settings.retryBackoff().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    /** Stops polling; a batch in flight completes (or rolls back) first. */
    @Override
    public void close() {
        closed = true;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
            try {
                if (!finished.await(30, TimeUnit.SECONDS)) {
                    LOG.log(Level.WARNING, "usage consumer did not stop within 30 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** On assignment, continue from the offsets the database holds (they move only with the settlements). */
    private final class SeekToStored implements ConsumerRebalanceListener {
        private final KafkaConsumer<String, byte[]> c;

        SeekToStored(KafkaConsumer<String, byte[]> c) {
            this.c = c;
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            while (!closed) {
                try {
                    Map<TopicPartition, Long> stored = Db.withConnection(ds, conn ->
                            SettlementRepository.offsets(conn, settings.group(), partitions));
                    for (TopicPartition tp : partitions) {
                        Long off = stored.get(tp);
                        if (off != null) {
                            c.seek(tp, off);
                        } else {
                            c.seekToBeginning(List.of(tp));
                        }
                    }
                    LOG.log(Level.INFO, "usage partitions assigned " + partitions + ", stored offsets " + stored);
                    return;
                } catch (DbException e) {
                    LOG.log(Level.WARNING, "cannot read stored offsets, retrying: " + e.getMessage());
                    pause();
                }
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // each batch commits before the next poll, so nothing is pending for revoked partitions
        }
    }
}
