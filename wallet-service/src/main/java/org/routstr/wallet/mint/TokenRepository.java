package org.routstr.wallet.mint;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;

import org.routstr.crypto.cashu.CashuJson;

/**
 * JDBC for received tokens ({@code wallet_tokens_in}, one row per sha256 of a token).
 */
final class TokenRepository {
    private TokenRepository() {
    }

    static Optional<TokenIn> find(Connection c, String hash, boolean lock) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM wallet_tokens_in WHERE token_hash = ?"
                + (lock ? " FOR UPDATE" : ""))) {
            ps.setString(1, hash);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    static Optional<TokenIn> byOperation(Connection c, UUID op) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM wallet_tokens_in WHERE operation_id = ? FOR UPDATE")) {
            ps.setObject(1, op);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    /** Inserts a pending row, replacing a retryable failure; false when another redemption of the token exists. */
    static boolean insertPending(Connection c, TokenIn t) throws SQLException {
        try (PreparedStatement del = c.prepareStatement(
                "DELETE FROM wallet_tokens_in WHERE token_hash = ? AND state = 'failed' AND NOT terminal")) {
            del.setString(1, t.tokenHash());
            del.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO wallet_tokens_in (token_hash, purpose, account_hash, account_spec, wrapped_key, mint_url, unit,
                                              face_amount, operation_id)
                VALUES (?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?) ON CONFLICT (token_hash) DO NOTHING""")) {
            ps.setString(1, t.tokenHash());
            ps.setString(2, t.purpose());
            ps.setString(3, t.accountHash());
            ps.setString(4, t.spec().map(TokenRepository::json).orElse(null));
            ps.setString(5, t.wrappedKey().orElse(null));
            ps.setString(6, t.mintUrl());
            ps.setString(7, t.unit());
            ps.setLong(8, t.face());
            ps.setObject(9, t.operationId().orElse(null));
            return ps.executeUpdate() == 1;
        }
    }

    static void credited(Connection c, String hash, long msat, long feeMsat) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE wallet_tokens_in SET state = 'credited', credited_msat = ?, fee_msat = ?, updated_at = now()
                 WHERE token_hash = ?""")) {
            ps.setLong(1, msat);
            ps.setLong(2, feeMsat);
            ps.setString(3, hash);
            ps.executeUpdate();
        }
    }

    static void failed(Connection c, String hash, String code) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE wallet_tokens_in SET state = 'failed', error_code = ?, terminal = ?, updated_at = now()
                 WHERE token_hash = ? AND state = 'pending'""")) {
            ps.setString(1, code);
            ps.setBoolean(2, RedeemErrors.terminal(code));
            ps.setString(3, hash);
            ps.executeUpdate();
        }
    }

    private static TokenIn row(ResultSet rs) throws SQLException {
        String spec = rs.getString("account_spec");
        return new TokenIn(rs.getString("token_hash"), rs.getString("purpose"), rs.getString("state"),
                rs.getString("account_hash"), Optional.ofNullable(spec).map(TokenRepository::spec),
                Optional.ofNullable(rs.getString("wrapped_key")), rs.getString("mint_url"), rs.getString("unit"),
                rs.getLong("face_amount"), rs.getLong("credited_msat"), Optional.ofNullable(rs.getString("error_code")),
                rs.getBoolean("terminal"), Optional.ofNullable((UUID) rs.getObject("operation_id")));
    }

    private static String json(AccountSpec s) {
        return ProofRepository.json(s);
    }

    private static AccountSpec spec(String json) {
        try {
            return CashuJson.mapper().readValue(json, AccountSpec.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt account spec", e);
        }
    }
}
