package org.routstr.common.settings;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;

import org.routstr.common.db.Db;
import org.routstr.common.json.Json;

/**
 * The {@code settings} table: one row per field, the value as JSONB. Seeding never overwrites a stored value, so after the
 * first start the database wins over configuration until the operator changes it.
 */
public final class SettingsStore {
    private final DataSource ds;

    public SettingsStore(DataSource ds) {
        this.ds = ds;
    }

    /** Stores each seed value whose field has no row yet (validated; a bad configured value fails the start). */
    public void seed(Map<SettingField, JsonNode> seeds) {
        Db.inTransaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO settings (name, value) VALUES (?, CAST(? AS jsonb)) ON CONFLICT (name) DO NOTHING")) {
                for (Map.Entry<SettingField, JsonNode> e : seeds.entrySet()) {
                    ps.setString(1, e.getKey().key());
                    ps.setString(2, Json.mapper().writeValueAsString(e.getKey().validate(e.getValue())));
                    ps.addBatch();
                }
                ps.executeBatch();
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            return null;
        });
    }

    /** Reads every stored setting into a snapshot. */
    public OperatorSettings read() {
        return Db.withConnection(ds, c -> {
            Map<String, JsonNode> stored = new HashMap<>();
            Instant newest = Instant.EPOCH;
            try (PreparedStatement ps = c.prepareStatement("SELECT name, value::text, updated_at FROM settings");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    stored.put(rs.getString(1), Json.mapper().readTree(rs.getString(2)));
                    Timestamp t = rs.getTimestamp(3);
                    if (t.toInstant().isAfter(newest)) {
                        newest = t.toInstant();
                    }
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("unreadable settings row", e);
            }
            return OperatorSettings.from(stored, newest);
        });
    }
}
