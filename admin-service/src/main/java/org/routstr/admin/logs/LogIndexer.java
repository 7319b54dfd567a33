package org.routstr.admin.logs;

import java.io.ByteArrayInputStream;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbTransaction;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import org.routstr.common.events.Topics;
import org.routstr.common.json.Json;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.common.logs.LogRecord;

/**
 * Consumes {@code routstr.logs.v1} into {@code admin_logs} (one group for all admin replicas; a redelivered record is a
 * no-op by partition and offset), and deletes records older than the retention.
 */
public final class LogIndexer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LogIndexer.class.getName());
    private final KafkaConsumer<String, byte[]> consumer;
    private final DbClient db;
    private final Duration retention;
    private volatile boolean closed;
    private long lastPrune;

    public LogIndexer(KafkaSettings kafka, DbClient db, Duration retention) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "admin-logs");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(p);
        this.db = db;
        this.retention = retention;
    }

    public LogIndexer start() {
        Thread.ofVirtual().name("admin-log-indexer").start(this::loop);
        return this;
    }

    private void loop() {
        try (consumer) {
            consumer.subscribe(List.of(Topics.LOGS));
            while (!closed) {
                ConsumerRecords<String, byte[]> batch = consumer.poll(Duration.ofMillis(500));
                if (!batch.isEmpty() && store(batch)) {
                    consumer.commitSync();
                }
                prune();
            }
        } catch (WakeupException e) {
            // close() woke us up
        }
    }

    private boolean store(ConsumerRecords<String, byte[]> batch) {
        DbTransaction tx = db.transaction();
        try {
            for (ConsumerRecord<String, byte[]> r : batch) {
                LogRecord rec;
                try {
                    rec = Json.read(new ByteArrayInputStream(r.value()), LogRecord.class);
                } catch (RuntimeException e) {
                    continue;   // not a log record: nothing to index
                }
                Map<String, Object> p = new HashMap<>();
                p.put("at", OffsetDateTime.ofInstant(rec.at(), ZoneOffset.UTC));
                p.put("level", rec.level());
                p.put("service", rec.service());
                p.put("logger", rec.logger());
                p.put("message", rec.message());
                p.put("request_id", rec.requestId());
                p.put("partition", r.partition());
                p.put("offset", r.offset());
                tx.createNamedInsert("log-insert").params(p).execute();
            }
            tx.commit();
            return true;
        } catch (RuntimeException e) {
            try {
                tx.rollback();
            } catch (RuntimeException closedAlready) {
                e.addSuppressed(closedAlready);
            }
            // the batch is read again after a seek back to the committed offsets
            consumer.committed(consumer.assignment()).forEach((tp, om) -> consumer.seek(tp, om == null ? 0 : om.offset()));
            LOG.log(Level.WARNING, "log batch not indexed: " + e.getMessage());
            return false;
        }
    }

    private void prune() {
        long now = System.currentTimeMillis();
        if (now - lastPrune < 60_000) {
            return;
        }
        lastPrune = now;
        try {
            db.execute().createNamedDelete("log-prune").addParam("before", OffsetDateTime.now(ZoneOffset.UTC).minus(retention)).execute();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "log retention not applied: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
    }
}
