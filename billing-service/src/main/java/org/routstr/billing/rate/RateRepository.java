package org.routstr.billing.rate;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Optional;

import javax.sql.DataSource;

import org.routstr.common.db.Db;

/**
 * The {@code btc_rate} row (migration V2): the latest rate the node prices with, kept across restarts.
 */
final class RateRepository {
    private final DataSource ds;

    RateRepository(DataSource ds) {
        this.ds = ds;
    }

    /** A stored rate. */
    record StoredRate(BigDecimal usdPerBtc, String source, Instant fetchedAt) {
    }

    void save(BigDecimal usdPerBtc, String source) {
        Db.withConnection(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO btc_rate (id, usd_per_btc, source, fetched_at) VALUES (1, ?, ?, now())
                    ON CONFLICT (id) DO UPDATE SET usd_per_btc = excluded.usd_per_btc, source = excluded.source,
                                                   fetched_at = excluded.fetched_at""")) {
                ps.setBigDecimal(1, usdPerBtc);
                ps.setString(2, source);
                return ps.executeUpdate();
            }
        });
    }

    Optional<StoredRate> latest() {
        return Db.withConnection(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT usd_per_btc, source, fetched_at FROM btc_rate WHERE id = 1");
                 ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new StoredRate(rs.getBigDecimal(1), rs.getString(2),
                                                              rs.getTimestamp(3).toInstant()))
                        : Optional.empty();
            }
        });
    }
}
