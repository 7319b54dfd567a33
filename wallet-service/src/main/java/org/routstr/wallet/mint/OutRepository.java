package org.routstr.wallet.mint;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * JDBC for issued tokens ({@code wallet_tokens_out}): the row exists before the mint call and holds the token before
 * any response is sent.
 */
final class OutRepository {
    private OutRepository() {
    }

    /** Inserts a pending payout leased for {@code lease}: until then its replica owns it, afterwards recovery does. */
    static boolean insert(Connection c, String id, String kind, String account, String unit, String mint, Duration lease)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO wallet_tokens_out (id, kind, account_hash, unit, mint_url, lease_until)
                VALUES (?, ?, ?, ?, ?, now() + make_interval(secs => ?)) ON CONFLICT (id) DO NOTHING""")) {
            ps.setString(1, id);
            ps.setString(2, kind);
            ps.setString(3, account);
            ps.setString(4, unit);
            ps.setString(5, mint);
            ps.setDouble(6, lease.toMillis() / 1000.0);
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Claims one pending payout whose lease ran out before it recorded a mint operation (its replica died or threw between
     * the debit and the mint call) and extends the lease; empty when there is none.
     */
    static Optional<Issued> claimStalled(Connection c, Duration lease) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE wallet_tokens_out SET lease_until = now() + make_interval(secs => ?), updated_at = now()
                 WHERE id = (SELECT id FROM wallet_tokens_out
                              WHERE state = 'pending' AND operation_id IS NULL AND lease_until < now()
                              ORDER BY lease_until LIMIT 1 FOR UPDATE SKIP LOCKED)
                RETURNING *""")) {
            ps.setDouble(1, lease.toMillis() / 1000.0);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    static void amounts(Connection c, String id, long debitedMsat, long amount) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE wallet_tokens_out SET debited_msat = ?, amount = ?, updated_at = now() WHERE id = ?")) {
            ps.setLong(1, debitedMsat);
            ps.setLong(2, amount);
            ps.setString(3, id);
            ps.executeUpdate();
        }
    }

    static void recipient(Connection c, String id, String recipient) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE wallet_tokens_out SET recipient = ? WHERE id = ?")) {
            ps.setString(1, recipient);
            ps.setString(2, id);
            ps.executeUpdate();
        }
    }

    static void operation(Connection c, String id, UUID op, String mint) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE wallet_tokens_out SET operation_id = ?, mint_url = ?, updated_at = now() WHERE id = ?")) {
            ps.setObject(1, op);
            ps.setString(2, mint);
            ps.setString(3, id);
            ps.executeUpdate();
        }
    }

    static boolean issued(Connection c, String id, String token, long amount) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE wallet_tokens_out SET state = 'issued', token = ?, amount = ?, updated_at = now()
                 WHERE id = ? AND state = 'pending'""")) {
            ps.setString(1, token);
            ps.setLong(2, amount);
            ps.setString(3, id);
            return ps.executeUpdate() == 1;
        }
    }

    static void fee(Connection c, String id, long fee) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE wallet_tokens_out SET fee = ? WHERE id = ?")) {
            ps.setLong(1, fee);
            ps.setString(2, id);
            ps.executeUpdate();
        }
    }

    static boolean failed(Connection c, String id, String error) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE wallet_tokens_out SET state = 'failed', error = ?, updated_at = now() WHERE id = ? AND state = 'pending'""")) {
            ps.setString(1, error);
            ps.setString(2, id);
            return ps.executeUpdate() == 1;
        }
    }

    static Optional<Issued> find(Connection c, String id) throws SQLException {
        return one(c, "SELECT * FROM wallet_tokens_out WHERE id = ?", id);
    }

    static Optional<Issued> byOperation(Connection c, UUID op) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM wallet_tokens_out WHERE operation_id = ? FOR UPDATE")) {
            ps.setObject(1, op);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    static Optional<Issued> latest(Connection c, String account, String kind) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT * FROM wallet_tokens_out WHERE account_hash = ? AND kind = ? AND state <> 'failed'
                 ORDER BY created_at DESC LIMIT 1""")) {
            ps.setString(1, account);
            ps.setString(2, kind);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    private static Optional<Issued> one(Connection c, String sql, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    private static Issued row(ResultSet rs) throws SQLException {
        return new Issued(rs.getString("id"), rs.getString("kind"), Optional.ofNullable(rs.getString("account_hash")),
                rs.getString("state"), Optional.ofNullable(rs.getString("token")), rs.getLong("amount"), rs.getString("unit"),
                rs.getString("mint_url"), rs.getLong("debited_msat"), Optional.ofNullable(rs.getString("recipient")),
                rs.getLong("fee"), Optional.ofNullable(rs.getString("error")));
    }
}
