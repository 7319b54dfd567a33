package org.routstr.admin.audit;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

import com.fasterxml.jackson.databind.JsonNode;

import org.routstr.common.json.Json;

/**
 * The audit log: who did what to which target, when, with the before and after values (secrets are never passed in:
 * callers redact them). Written in the caller's transaction when it has one.
 */
public final class AuditLog {
    private final DbClient db;

    public AuditLog(DbClient db) {
        this.db = db;
    }

    /** Writes one entry on its own. */
    public void write(String actor, String action, String target, JsonNode before, JsonNode after, String address) {
        write(db.execute(), actor, action, target, before, after, address);
    }

    /** Writes one entry with {@code exec} (a transaction, so the entry commits with the change). */
    public static void write(DbExecute exec, String actor, String action, String target, JsonNode before, JsonNode after,
                             String address) {
        Map<String, Object> p = new HashMap<>();
        p.put("actor", actor);
        p.put("action", action);
        p.put("target", target);
        p.put("before", Json.string(before));
        p.put("after", Json.string(after));
        p.put("address", address);
        exec.createNamedInsert("audit-insert").params(p).execute();
    }

    /** Newest first, entries older than {@code beforeId}. */
    List<DbRow> page(long beforeId, int limit) {
        return db.execute().createNamedQuery("audit-list").params(Map.of("before_id", beforeId, "limit", limit)).execute().toList();
    }
}
