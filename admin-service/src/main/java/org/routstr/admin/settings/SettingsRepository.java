package org.routstr.admin.settings;

import java.util.HashMap;
import java.util.Map;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbTransaction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.routstr.admin.audit.AuditLog;
import org.routstr.common.json.Json;
import org.routstr.common.settings.SettingField;

/**
 * Writes the {@code settings} table (admin-service is its only writer after the first-start seeds) and audits each
 * change in the same transaction.
 */
final class SettingsRepository {
    private final DbClient db;

    SettingsRepository(DbClient db) {
        this.db = db;
    }

    /** The stored values by name. */
    Map<String, JsonNode> stored() {
        Map<String, JsonNode> out = new HashMap<>();
        db.execute().namedQuery("setting-all").forEach(r -> out.put(r.column("name").get(String.class),
                Json.parse(r.column("value").get(String.class).getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        return out;
    }

    /** Stores {@code changes} (already validated) and one audit entry, in one transaction. */
    void update(Map<SettingField, JsonNode> changes, ObjectNode before, ObjectNode after, String actor, String address) {
        DbTransaction tx = db.transaction();
        try {
            for (Map.Entry<SettingField, JsonNode> e : changes.entrySet()) {
                tx.createNamedUpdate("setting-upsert").params(Map.of("name", e.getKey().key(), "value", Json.string(e.getValue())))
                        .execute();
            }
            AuditLog.write(tx, actor, "settings.update", "settings", before, after, address);
            tx.commit();
        } catch (RuntimeException e) {
            try {
                tx.rollback();
            } catch (RuntimeException alreadyClosed) {
                // a failed statement has already rolled the transaction back and closed it (stack.md 2.1)
                e.addSuppressed(alreadyClosed);
            }
            throw e;
        }
    }
}
