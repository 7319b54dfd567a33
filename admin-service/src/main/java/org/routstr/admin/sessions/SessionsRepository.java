package org.routstr.admin.sessions;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbTransaction;
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

    /** One key and its recent requests, read from one snapshot so its totals and its request rows agree. */
    Optional<Detail> detail(String hash, int limit) {
        DbTransaction tx = db.transaction();
        try {
            tx.dml("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
            Optional<DbRow> key = tx.createNamedGet("session-one").addParam("hash", hash).execute();
            List<DbRow> recent = key.isEmpty() ? List.of()
                    : tx.createNamedQuery("session-recent").params(Map.of("hash", hash, "limit", limit)).execute().toList();
            tx.commit();
            return key.map(k -> new Detail(k, recent));
        } catch (RuntimeException e) {
            try {
                tx.rollback();
            } catch (RuntimeException alreadyClosed) {
                e.addSuppressed(alreadyClosed);
            }
            throw e;
        }
    }

    record Detail(DbRow key, List<DbRow> recent) {
    }
}
