package org.routstr.billing.orphan;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

import org.routstr.common.db.Db;

/**
 * The latest moment as of which billing has settled everything on the usage topic: each call notes (database time, the
 * topic's end offsets) and answers the newest such note whose offsets billing's stored offsets (billing_offsets, moved in
 * the settlement transactions) have reached. A reservation whose heartbeat lapsed before that moment and is still active
 * has no event on the topic: its gateway died before publishing it. Until billing catches up after a restart, older
 * notes stay pending and nothing newer is swept.
 */
final class LogWatermark implements AutoCloseable {
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_PENDING = 1000;
    private final DataSource ds;
    private final Admin admin;
    private final String group;
    private final String topic;
    private final Deque<Note> pending = new ArrayDeque<>();

    private record Note(Timestamp at, Map<Integer, Long> ends) {
    }

    LogWatermark(DataSource ds, Admin admin, String group, String topic) {
        this.ds = ds;
        this.admin = admin;
        this.group = group;
        this.topic = topic;
    }

    /** The newest moment billing has caught up to, if any yet; Kafka unreachable means none this time. */
    synchronized Optional<Timestamp> caughtUpTo() {
        Timestamp now = Db.withConnection(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT now()"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getTimestamp(1);
            }
        });
        // the time is taken before the offsets: an event published before `now` is below these ends
        pending.addLast(new Note(now, endOffsets()));
        while (pending.size() > MAX_PENDING) {
            pending.removeFirst();
        }
        Map<Integer, Long> consumed = consumed();
        Optional<Note> reached = Optional.empty();
        for (Note n : pending) {
            if (n.ends().entrySet().stream().allMatch(e -> e.getValue() == 0 || consumed.getOrDefault(e.getKey(), 0L) >= e.getValue())) {
                reached = Optional.of(n);
            }
        }
        reached.ifPresent(r -> {
            while (pending.peekFirst() != r) {
                pending.removeFirst();
            }
        });
        return reached.map(Note::at);
    }

    private Map<Integer, Long> endOffsets() {
        try {
            var partitions = admin.describeTopics(java.util.List.of(topic)).allTopicNames()
                    .get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic).partitions();
            Map<TopicPartition, OffsetSpec> query = partitions.stream()
                    .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
            Map<Integer, Long> ends = new HashMap<>();
            admin.listOffsets(query, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                    .get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .forEach((tp, info) -> ends.put(tp.partition(), info.offset()));
            return ends;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the end offsets of " + topic + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private Map<Integer, Long> consumed() {
        return Db.withConnection(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT kafka_partition, next_offset FROM billing_offsets WHERE group_id = ? AND topic = ?")) {
                ps.setString(1, group);
                ps.setString(2, topic);
                Map<Integer, Long> m = new HashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        m.put(rs.getInt(1), rs.getLong(2));
                    }
                }
                return m;
            }
        });
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
