package org.routstr.wallet.balance;

import java.sql.PreparedStatement;
import java.sql.ResultSet;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.routstr.common.db.Db;
import org.routstr.common.json.Json;

/**
 * Read-only views for the balance endpoints: a parent's child keys and an account's token history.
 */
public final class AccountQueries {
    private final DataSource ds;

    public AccountQueries(DataSource ds) {
        this.ds = ds;
    }

    ArrayNode children(String parentHash) {
        return Db.withConnection(ds, c -> {
            ArrayNode out = Json.mapper().createArrayNode();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT a.key_hash, requests, spent_msat, spending_limit_msat, limit_reset,
                           extract(epoch FROM valid_until)::bigint, p.preview
                      FROM accounts a LEFT JOIN wallet_key_previews p ON p.key_hash = a.key_hash
                     WHERE parent_hash = ? ORDER BY a.created_at""")) {
                ps.setString(1, parentHash);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        // keys are stored hashed: api_key cannot be shown again (README, wire deviations)
                        ObjectNode n = out.addObject().putNull("api_key")
                                .put("api_key_preview", rs.getString(7) == null ? null : rs.getString(7) + "...")
                                .put("key_hash_preview", rs.getString(1).substring(0, 8) + "...")
                                .put("total_requests", rs.getLong(2)).put("total_spent", rs.getLong(3));
                        n.set("balance_limit", Json.mapper().valueToTree(rs.getObject(4)));
                        n.put("balance_limit_reset", rs.getString(5));
                        n.set("validity_date", Json.mapper().valueToTree(rs.getObject(6)));
                    }
                }
            }
            return out;
        });
    }

    ArrayNode history(String accountHash) {
        return Db.withConnection(ds, c -> {
            ArrayNode out = Json.mapper().createArrayNode();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT * FROM (
                      SELECT token_hash AS id, 'in' AS type, purpose AS source, face_amount AS amount, unit, mint_url, created_at,
                             state = 'credited' AS collected, false AS swept
                        FROM wallet_tokens_in WHERE account_hash = ? AND state <> 'failed'
                      UNION ALL
                      SELECT id, 'out', kind, amount, unit, mint_url, created_at, state = 'issued', false
                        FROM wallet_tokens_out WHERE account_hash = ? AND state <> 'failed'
                      UNION ALL
                      SELECT id_hash, 'in', 'lightning', amount_sats, 'sat', mint_url, coalesce(paid_at, created_at), true, false
                        FROM lightning_invoices WHERE account_hash = ? AND status = 'paid') t
                    ORDER BY created_at DESC LIMIT 500""")) {
                ps.setString(1, accountHash);
                ps.setString(2, accountHash);
                ps.setString(3, accountHash);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.addObject().put("id", rs.getString(1)).put("type", rs.getString(2)).put("source", rs.getString(3))
                                .put("amount", rs.getLong(4)).put("unit", rs.getString(5)).put("mint_url", rs.getString(6))
                                .put("created_at", rs.getTimestamp(7).toInstant().getEpochSecond())
                                .put("collected", rs.getBoolean(8)).put("swept", rs.getBoolean(9));
                    }
                }
            }
            return out;
        });
    }
}
