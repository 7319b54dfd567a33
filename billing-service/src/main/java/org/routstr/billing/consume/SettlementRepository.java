package org.routstr.billing.consume;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.common.TopicPartition;

import org.routstr.common.events.UsageEvent;

/**
 * The idempotent consumer's SQL: applies a batch of usage events (and records each request's usage) and stores the
 * consumer offsets in the caller's transaction, and reads the offsets back on partition assignment.
 */
final class SettlementRepository {
    private SettlementRepository() {
    }

    /** What one batch did. */
    record Applied(int settled, int duplicates, int notActive, int unknown, int reconciled, int overruns, long overrunMsat) {
        static final Applied NONE = new Applied(0, 0, 0, 0, 0, 0, 0);
    }

    /** Applies {@code events} (settle, record, aggregate) in one round trip; see {@code billing_apply_usage} in V20. */
    static Applied apply(Connection c, List<Usage> events) throws SQLException {
        if (events.isEmpty()) {
            return Applied.NONE;
        }
        int n = events.size();
        Object[] ids = new Object[n];
        Object[] accounts = new Object[n];
        Object[] costs = new Object[n];
        Object[] models = new Object[n];
        Object[] errors = new Object[n];
        Object[] input = new Object[n];
        Object[] output = new Object[n];
        Object[] cached = new Object[n];
        Object[] at = new Object[n];
        for (int i = 0; i < n; i++) {
            Usage u = events.get(i);
            UsageEvent e = u.event();
            ids[i] = u.reservationId();
            accounts[i] = e.accountHash();
            costs[i] = e.costMsat();
            models[i] = e.model() == null ? "" : e.model();
            errors[i] = u.error();
            input[i] = e.inputTokens();
            output[i] = e.outputTokens();
            cached[i] = e.cachedTokens();
            at[i] = Timestamp.from(e.at() == null ? Instant.now() : e.at());
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT settled, duplicates, not_active, unknown, reconciled, overruns, overrun_msat"
                + " FROM billing_apply_usage(?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setArray(1, c.createArrayOf("uuid", ids));
            ps.setArray(2, c.createArrayOf("text", accounts));
            ps.setArray(3, c.createArrayOf("int8", costs));
            ps.setArray(4, c.createArrayOf("text", models));
            ps.setArray(5, c.createArrayOf("bool", errors));
            ps.setArray(6, c.createArrayOf("int8", input));
            ps.setArray(7, c.createArrayOf("int8", output));
            ps.setArray(8, c.createArrayOf("int8", cached));
            ps.setArray(9, c.createArrayOf("timestamptz", at));
            Applied applied;
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                applied = new Applied(rs.getInt(1), rs.getInt(2), rs.getInt(3), rs.getInt(4), rs.getInt(5), rs.getInt(6), rs.getLong(7));
            }
            recordRequests(c, events, ids, models, input, output, cached, at);
            return applied;
        }
    }

    /** One row per request for the Sessions tab's recent requests (V122); a request seen before keeps its first row. */
    private static void recordRequests(Connection c, List<Usage> events, Object[] ids, Object[] models, Object[] input,
                                       Object[] output, Object[] cached, Object[] at) throws SQLException {
        int n = events.size();
        Object[] keys = new Object[n];
        Object[] statuses = new Object[n];
        Object[] costs = new Object[n];
        for (int i = 0; i < n; i++) {
            keys[i] = events.get(i).event().keyHash();
            statuses[i] = events.get(i).event().status();
            costs[i] = events.get(i).event().costMsat();
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO billing_request_usage (request_id, key_hash, model, status, input_tokens, output_tokens, cached_tokens,
                                                   cost_msat, at)
                SELECT * FROM unnest(?::uuid[], ?::text[], ?::text[], ?::int[], ?::int8[], ?::int8[], ?::int8[], ?::int8[],
                                     ?::timestamptz[])
                ON CONFLICT (request_id) DO NOTHING""")) {
            ps.setArray(1, c.createArrayOf("uuid", ids));
            ps.setArray(2, c.createArrayOf("text", keys));
            ps.setArray(3, c.createArrayOf("text", models));
            ps.setArray(4, c.createArrayOf("int4", statuses));
            ps.setArray(5, c.createArrayOf("int8", input));
            ps.setArray(6, c.createArrayOf("int8", output));
            ps.setArray(7, c.createArrayOf("int8", cached));
            ps.setArray(8, c.createArrayOf("int8", costs));
            ps.setArray(9, c.createArrayOf("timestamptz", at));
            ps.executeUpdate();
        }
    }

    /** Stores the next offset to read per partition; never moves an offset backwards (a stale owner may commit late). */
    static void storeOffsets(Connection c, String group, Map<TopicPartition, Long> next) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO billing_offsets AS o (group_id, topic, kafka_partition, next_offset) VALUES (?, ?, ?, ?)
                ON CONFLICT (group_id, topic, kafka_partition)
                DO UPDATE SET next_offset = greatest(o.next_offset, excluded.next_offset), updated_at = now()""")) {
            for (Map.Entry<TopicPartition, Long> e : next.entrySet()) {
                ps.setString(1, group);
                ps.setString(2, e.getKey().topic());
                ps.setInt(3, e.getKey().partition());
                ps.setLong(4, e.getValue());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** The stored next offsets of {@code partitions}; a partition never seen is absent. */
    static Map<TopicPartition, Long> offsets(Connection c, String group, Collection<TopicPartition> partitions)
            throws SQLException {
        Map<TopicPartition, Long> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT next_offset FROM billing_offsets WHERE group_id = ? AND topic = ? AND kafka_partition = ?")) {
            for (TopicPartition tp : partitions) {
                ps.setString(1, group);
                ps.setString(2, tp.topic());
                ps.setInt(3, tp.partition());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        out.put(tp, rs.getLong(1));
                    }
                }
            }
        }
        return out;
    }

    /** A parsed usage event with its reservation id. */
    record Usage(UUID reservationId, UsageEvent event) {
        boolean error() {
            return event.status() >= 400 || "failed".equals(event.pricing());
        }
    }
}
