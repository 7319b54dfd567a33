package org.routstr.wallet.balance;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;

import javax.sql.DataSource;

import org.routstr.common.db.Db;
import org.routstr.common.keys.ApiKeys;

/**
 * Previews of {@code sk-} keys taken while the key is in hand (keys are stored hashed, so they cannot be shown again):
 * the reference's {@code parent_key_preview}, the first 8 hex digits of the key then {@code ...}.
 */
public final class KeyPreviews {
    private final DataSource ds;

    public KeyPreviews(DataSource ds) {
        this.ds = ds;
    }

    /** Keeps the preview of {@code key} (an sk- key; anything else is ignored). */
    void remember(String key) {
        if (!ApiKeys.looksLikeKey(key)) {
            return;
        }
        Db.withConnection(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO wallet_key_previews (key_hash, preview) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
                ps.setString(1, ApiKeys.hash(key));
                ps.setString(2, key.substring(3, 11));
                return ps.executeUpdate();
            }
        });
    }

    /** The preview of a key hash, as the reference shows it ({@code abcd1234...}). */
    Optional<String> of(String keyHash) {
        return Db.withConnection(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT preview FROM wallet_key_previews WHERE key_hash = ?")) {
                ps.setString(1, keyHash);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1) + "...") : Optional.empty();
                }
            }
        });
    }
}
