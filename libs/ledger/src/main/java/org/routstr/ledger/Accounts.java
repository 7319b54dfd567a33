package org.routstr.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * Reads account rows (no writes: the ledger functions own those).
 */
final class Accounts {
    private Accounts() {
    }

    static Optional<Account> find(Connection c, String keyHash) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT key_hash, parent_hash, balance_msat, reserved_msat, spent_msat, requests, spending_limit_msat,
                       limit_reset, window_spent_msat, valid_until, expires_at, refund_address, refund_mint_url,
                       refund_unit, status, created_at
                  FROM accounts WHERE key_hash = ?""")) {
            ps.setString(1, keyHash);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        }
    }

    private static Account map(ResultSet rs) throws SQLException {
        return new Account(rs.getString(1),
                           Optional.ofNullable(rs.getString(2)),
                           rs.getLong(3),
                           rs.getLong(4),
                           rs.getLong(5),
                           rs.getLong(6),
                           Optional.ofNullable((Long) rs.getObject(7)),
                           Optional.ofNullable(rs.getString(8)).flatMap(LimitReset::parse),
                           rs.getLong(9),
                           instant(rs, 10),
                           instant(rs, 11),
                           Optional.ofNullable(rs.getString(12)),
                           Optional.ofNullable(rs.getString(13)),
                           Optional.ofNullable(rs.getString(14)),
                           rs.getString(15),
                           rs.getTimestamp(16).toInstant());
    }

    private static Optional<Instant> instant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return Optional.ofNullable(t).map(Timestamp::toInstant);
    }

    static OffsetDateTime timestamp(Instant i) {
        return i.atOffset(ZoneOffset.UTC);
    }
}
