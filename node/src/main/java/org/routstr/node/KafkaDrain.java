package org.routstr.node;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * Waits until billing has settled every usage event on the topic: the launcher runs it between stopping the gateway and
 * stopping billing. Billing keeps its offsets in PostgreSQL ({@code billing_offsets}, exactly-once with the charges), so
 * they are compared there with the topic's end offsets.
 */
final class KafkaDrain {
    private KafkaDrain() {
    }

    /** Outcome of a drain. */
    sealed interface Result permits Drained, NoConsumer, TimedOut {
    }

    /** Billing is at the end of every partition. */
    record Drained() implements Result {
    }

    /** Billing has no offsets yet (it never consumed) or its table is missing. */
    record NoConsumer() implements Result {
    }

    /** Some events are still unsettled. */
    record TimedOut(long lag) implements Result {
    }

    /** Where billing's offsets live. */
    record Offsets(String jdbcUrl, String user, String password, String group) {
    }

    static Result await(String bootstrap, String topic, Offsets offsets, Duration timeout) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                                               AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                                               AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000))) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                Map<Integer, Long> ends = endOffsets(admin, topic);
                Optional<Map<Integer, Long>> done = committed(offsets, topic);
                if (done.isEmpty()) {
                    return new NoConsumer();
                }
                long lag = ends.entrySet().stream().mapToLong(e -> Math.max(0, e.getValue() - done.get().getOrDefault(e.getKey(), 0L)))
                        .sum();
                if (lag == 0) {
                    return new Drained();
                }
                if (System.nanoTime() > deadline) {
                    return new TimedOut(lag);
                }
                TimeUnit.MILLISECONDS.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new TimedOut(-1);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the end offsets of " + topic + ": " + e.getMessage(), e);
        }
    }

    private static Map<Integer, Long> endOffsets(Admin admin, String topic)
            throws ExecutionException, InterruptedException, TimeoutException {
        TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS).get(topic);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        d.partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        Map<Integer, Long> ends = new HashMap<>();
        admin.listOffsets(latest).all().get(5, TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp.partition(), info.offset()));
        return ends;
    }

    private static Optional<Map<Integer, Long>> committed(Offsets o, String topic) {
        String sql = "SELECT kafka_partition, next_offset FROM billing_offsets WHERE group_id = ? AND topic = ?";
        try (Connection c = DriverManager.getConnection(o.jdbcUrl(), o.user(), o.password());
             PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, o.group());
            ps.setString(2, topic);
            Map<Integer, Long> m = new HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    m.put(rs.getInt(1), rs.getLong(2));
                }
            }
            return m.isEmpty() ? Optional.empty() : Optional.of(m);
        } catch (SQLException e) {
            // 42P01: billing's migration has not run, so it never consumed anything
            if ("42P01".equals(e.getSQLState())) {
                return Optional.empty();
            }
            throw new IllegalStateException("cannot read billing_offsets: " + e.getMessage(), e);
        }
    }
}
