package org.routstr.admin.overview;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbRow;

/**
 * Billing's per-model hourly aggregates ({@code usage_hourly}), bucketed per hour or day, and the withdrawal history.
 */
final class UsageRepository {
    private final DbClient db;

    UsageRepository(DbClient db) {
        this.db = db;
    }

    List<DbRow> series(String bucket, OffsetDateTime from, OffsetDateTime to) {
        return db.execute().createNamedQuery("usage-series").params(Map.of("bucket", bucket, "from", from, "to", to)).execute().toList();
    }

    List<DbRow> byModel(String bucket, OffsetDateTime from, OffsetDateTime to) {
        return db.execute().createNamedQuery("usage-series-models").params(Map.of("bucket", bucket, "from", from, "to", to)).execute()
                .toList();
    }

    List<DbRow> topModels(OffsetDateTime from, OffsetDateTime to, int limit) {
        return db.execute().createNamedQuery("usage-top-models").params(Map.of("from", from, "to", to, "limit", limit)).execute()
                .toList();
    }
}
