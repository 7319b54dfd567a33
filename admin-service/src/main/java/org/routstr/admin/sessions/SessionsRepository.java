package org.routstr.admin.sessions;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbRow;

/**
 * Reads API keys (accounts, by hash) for the Sessions tab: a page with search, sort and totals, one key, its recent
 * requests. The sortable columns are a fixed list, so the ORDER BY is never built from client text.
 */
final class SessionsRepository {
    static final Map<String, String> SORTS = Map.of("created", "created_at", "balance", "balance_msat", "spent", "spent_msat",
                                                    "requests", "requests", "reserved", "reserved_msat");
    private static final String COLUMNS = "key_hash, parent_hash, balance_msat, reserved_msat, spent_msat, requests, status, "
                                          + "created_at, expires_at, valid_until";
    private final DbClient db;

    SessionsRepository(DbClient db) {
        this.db = db;
    }

    /** A page of keys whose hash starts with {@code prefix} (lower-case hex). */
    List<DbRow> page(String prefix, String status, String sort, boolean descending, int limit, int offset) {
        String column = SORTS.get(sort);
        String sql = "SELECT " + COLUMNS + " FROM accounts WHERE key_hash >= :from AND key_hash < :to AND (:status = '' OR status = :status)"
                     + " ORDER BY " + column + (descending ? " DESC" : " ASC") + ", key_hash LIMIT :limit OFFSET :offset";
        return db.execute().createQuery(sql).params(Map.of("from", prefix, "to", prefix + "g", "status", status, "limit", limit,
                                                           "offset", offset)).execute().toList();
    }

    DbRow totals(String prefix, String status) {
        return db.execute().createNamedGet("sessions-count").params(Map.of("from", prefix, "to", prefix + "g", "status", status))
                .execute().orElseThrow();
    }

    Optional<DbRow> one(String hash) {
        return db.execute().createNamedGet("session-one").addParam("hash", hash).execute();
    }

    List<DbRow> recent(String hash, int limit) {
        return db.execute().createNamedQuery("session-recent").params(Map.of("hash", hash, "limit", limit)).execute().toList();
    }
}
