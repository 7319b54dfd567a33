package org.routstr.ledger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.routstr.common.db.Db;

/**
 * Test helpers: fresh key hashes and the invariant check that every ledger test runs.
 */
final class LedgerFixtures {
    private static final AtomicLong KEYS = new AtomicLong();

    private LedgerFixtures() {
    }

    static String newKeyHash() {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest(("sk-test-" + System.nanoTime() + "-" + KEYS.incrementAndGet()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Returns the first broken invariant in the whole database, or "ok". */
    static String invariants(DataSource ds) {
        return Db.withConnection(ds, LedgerFixtures::invariants);
    }

    private static String invariants(Connection c) throws SQLException {
        String[][] checks = {
            {"balance equals the sum of ledger entries", """
                SELECT a.key_hash FROM accounts a LEFT JOIN ledger l ON l.account_hash = a.key_hash
                 WHERE a.parent_hash IS NULL GROUP BY a.key_hash, a.balance_msat
                HAVING a.balance_msat <> coalesce(sum(l.amount_msat), 0)"""},
            {"available below zero", "SELECT key_hash FROM accounts WHERE parent_hash IS NULL AND balance_msat < reserved_msat"},
            {"reserved below zero", "SELECT key_hash FROM accounts WHERE reserved_msat < 0"},
            {"reserved equals the sum of active reservations", """
                SELECT a.key_hash FROM accounts a LEFT JOIN reservations r
                    ON r.status = 'active' AND (r.account_hash = a.key_hash OR r.key_hash = a.key_hash)
                 GROUP BY a.key_hash, a.reserved_msat HAVING a.reserved_msat <> coalesce(sum(r.amount_msat), 0)"""},
            {"child over its limit", """
                SELECT key_hash FROM accounts WHERE parent_hash IS NOT NULL AND spending_limit_msat IS NOT NULL
                   AND window_spent_msat + reserved_msat > spending_limit_msat"""},
            {"child holding money", "SELECT key_hash FROM accounts WHERE parent_hash IS NOT NULL AND balance_msat <> 0"},
            {"charge differs from its reservation", """
                SELECT r.id FROM reservations r LEFT JOIN ledger l ON l.reservation_id = r.id
                 WHERE r.status = 'settled' AND (l.id IS NULL OR -l.amount_msat <> r.charged_msat)"""},
            {"finished reservation without a final charge", """
                SELECT id FROM reservations WHERE status <> 'active' AND charged_msat IS NULL"""},
        };
        for (String[] check : checks) {
            try (PreparedStatement ps = c.prepareStatement(check[1]); ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return check[0] + ": " + rs.getString(1);
                }
            }
        }
        return "ok";
    }
}
