package org.routstr.gateway.usage;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.routstr.common.db.Db;

/**
 * {@code usage_outbox}: usage events Kafka did not take, kept until the relay has published them.
 */
public final class OutboxRepository {
    private final DataSource ds;

    public OutboxRepository(DataSource ds) {
        this.ds = ds;
    }

    /** Stores an event (a repeat of the same request id is ignored). */
    public void add(String requestId, String key, byte[] payload) {
        Db.withConnection(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO usage_outbox (request_id, event_key, payload) VALUES (?, ?, ?) ON CONFLICT (request_id) DO NOTHING")) {
                ps.setString(1, requestId);
                ps.setString(2, key);
                ps.setBytes(3, payload);
                return ps.executeUpdate();
            }
        });
    }

    /** The oldest {@code limit} entries. */
    public List<Entry> oldest(int limit) {
        return Db.withConnection(ds, c -> {
            List<Entry> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, request_id, event_key, payload FROM usage_outbox ORDER BY id LIMIT ?")) {
                ps.setInt(1, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Entry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBytes(4)));
                    }
                }
            }
            return out;
        });
    }

    /** Removes a published entry. */
    public void delete(long id) {
        Db.withConnection(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM usage_outbox WHERE id = ?")) {
                ps.setLong(1, id);
                return ps.executeUpdate();
            }
        });
    }

    /** Entries waiting. */
    public long size() {
        return Db.withConnection(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM usage_outbox"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** One stored event. */
    public record Entry(long id, String requestId, String key, byte[] payload) {
    }
}
