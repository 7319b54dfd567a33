package org.routstr.wallet.mint;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;

import org.routstr.crypto.cashu.CashuJson;

/**
 * JDBC for {@code lightning_invoices}.
 */
final class InvoiceRepository {
    private InvoiceRepository() {
    }

    static void insert(Connection c, Invoice i) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO lightning_invoices (id_hash, quote_id, mint_url, bolt11_hash, amount_sats, purpose, account_hash,
                                                account_spec, wrapped_key, wrapped_key_bolt11, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?)""")) {
            ps.setString(1, i.idHash());
            ps.setString(2, i.quoteId());
            ps.setString(3, i.mintUrl());
            ps.setString(4, i.bolt11Hash());
            ps.setLong(5, i.amountSats());
            ps.setString(6, i.purpose());
            ps.setString(7, i.accountHash());
            ps.setString(8, i.spec().map(ProofRepository::json).orElse(null));
            ps.setString(9, i.wrappedKey().orElse(null));
            ps.setString(10, i.wrappedKeyBolt11().orElse(null));
            ps.setTimestamp(11, Timestamp.from(i.expiresAt()));
            ps.executeUpdate();
        }
    }

    static Optional<Invoice> find(Connection c, String column, String value) throws SQLException {
        if (!column.equals("id_hash") && !column.equals("bolt11_hash")) {
            throw new IllegalArgumentException(column);
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM lightning_invoices WHERE " + column + " = ?")) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    /** Unpaid invoices still worth asking about (not past expiry plus a day's grace), oldest check first. */
    static List<Invoice> watched(Connection c, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT * FROM lightning_invoices WHERE status = 'pending' AND expires_at > now() - interval '1 day'
                 ORDER BY created_at LIMIT ?""")) {
            ps.setInt(1, limit);
            List<Invoice> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
            return out;
        }
    }

    static Optional<Invoice> byOperation(Connection c, UUID op) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM lightning_invoices WHERE operation_id = ? FOR UPDATE")) {
            ps.setObject(1, op);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    /** CAS of the status; with an operation id when settlement starts. */
    static boolean status(Connection c, String idHash, String from, String to, UUID op) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE lightning_invoices SET status = ?, operation_id = coalesce(?, operation_id),
                       paid_at = CASE WHEN ? = 'paid' THEN now() ELSE paid_at END
                 WHERE id_hash = ? AND status = ?""")) {
            ps.setString(1, to);
            ps.setObject(2, op);
            ps.setString(3, to);
            ps.setString(4, idHash);
            ps.setString(5, from);
            return ps.executeUpdate() == 1;
        }
    }

    private static Invoice row(ResultSet rs) throws SQLException {
        String spec = rs.getString("account_spec");
        Timestamp paid = rs.getTimestamp("paid_at");
        return new Invoice(rs.getString("id_hash"), rs.getString("quote_id"), rs.getString("mint_url"), rs.getString("bolt11_hash"),
                rs.getLong("amount_sats"), rs.getString("purpose"), rs.getString("account_hash"),
                Optional.ofNullable(spec).map(InvoiceRepository::spec), Optional.ofNullable(rs.getString("wrapped_key")),
                Optional.ofNullable(rs.getString("wrapped_key_bolt11")), rs.getString("status"),
                rs.getTimestamp("expires_at").toInstant(), Optional.ofNullable(paid).map(Timestamp::toInstant),
                rs.getTimestamp("created_at").toInstant());
    }

    private static AccountSpec spec(String json) {
        try {
            return CashuJson.mapper().readValue(json, AccountSpec.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt account spec", e);
        }
    }
}
