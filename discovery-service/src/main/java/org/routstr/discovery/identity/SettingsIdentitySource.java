package org.routstr.discovery.identity;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;

import org.routstr.common.db.DbException;
import org.routstr.common.json.Json;
import org.routstr.nostr.Keys;

/**
 * The identity from the {@code settings} table (admin's names: {@code name}, {@code description}, {@code http-url},
 * {@code onion-url}, {@code mints}, {@code nostr-relays}, {@code nostr-nsec} sealed by {@link NsecVault}) over the
 * configured {@link IdentityDefaults}. {@link #refresh()} re-reads it (at start, on {@code settings.changed}, before
 * each announcement); {@link #current()} answers from the last read.
 */
public final class SettingsIdentitySource implements IdentitySource {
    private static final System.Logger LOG = System.getLogger(SettingsIdentitySource.class.getName());
    static final String NSEC = "nostr-nsec";
    private static final List<String> NAMES = List.of("name", "description", "http-url", "onion-url", "mints", "nostr-relays", NSEC);
    private final DataSource ds;
    private final IdentityDefaults defaults;
    private final Optional<NsecVault> vault;
    private volatile Identity current;

    public SettingsIdentitySource(DataSource ds, IdentityDefaults defaults) {
        this.ds = ds;
        this.defaults = defaults;
        this.vault = defaults.secretKey().map(NsecVault::new);
        seedNsec();
        refresh();
    }

    @Override
    public Identity current() {
        return current;
    }

    /** Re-reads the table. */
    public Identity refresh() {
        Map<String, JsonNode> s = read();
        KeyState key = keys(s);
        current = new Identity(text(s, "name", defaults.name()), text(s, "description", defaults.about()),
                               text(s, "http-url", defaults.httpUrl()), text(s, "onion-url", defaults.onionUrl()),
                               list(s, "mints", defaults.mints()), list(s, "nostr-relays", defaults.relays()),
                               defaults.providerId(), defaults.version(), key.keys(), key.state());
        return current;
    }

    private record KeyState(Optional<Keys> keys, String state) {
    }

    private KeyState keys(Map<String, JsonNode> s) {
        String sealed = s.containsKey(NSEC) ? s.get(NSEC).asText("") : "";
        try {
            if (!sealed.isEmpty()) {
                if (vault.isEmpty()) {
                    return new KeyState(Optional.empty(), "stored but discovery.secret-key is not set");
                }
                return new KeyState(Optional.of(Keys.parse(vault.get().open(sealed))), "stored");
            }
            return defaults.nsec().map(n -> new KeyState(Optional.of(Keys.parse(n)), "config-only (not stored: no secret-key)"))
                    .orElse(new KeyState(Optional.empty(), "absent"));
        } catch (IllegalStateException | IllegalArgumentException e) {
            // the message never carries the key itself
            LOG.log(Level.WARNING, "nostr key unusable: " + e.getMessage());
            return new KeyState(Optional.empty(), "unusable: " + e.getMessage());
        }
    }

    /** First start with a configured nsec: store it sealed, unless the table already holds one (that one wins). */
    private void seedNsec() {
        if (defaults.nsec().isEmpty() || vault.isEmpty()) {
            return;
        }
        Keys.parse(defaults.nsec().get());
        String value = Json.string(vault.get().seal(defaults.nsec().get()));
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "INSERT INTO settings (name, value) VALUES (?, ?::jsonb) ON CONFLICT (name) DO NOTHING")) {
            ps.setString(1, NSEC);
            ps.setString(2, value);
            if (ps.executeUpdate() == 1) {
                LOG.log(Level.INFO, "stored the configured nostr key encrypted in settings." + NSEC);
            }
        } catch (SQLException e) {
            throw new DbException(e);
        }
    }

    private Map<String, JsonNode> read() {
        Map<String, JsonNode> out = new HashMap<>();
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT name, value::text FROM settings WHERE name = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("text", NAMES.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), Json.mapper().readTree(rs.getString(2)));
                }
            }
        } catch (SQLException e) {
            throw new DbException(e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a settings value is not JSON", e);
        }
        return out;
    }

    private static String text(Map<String, JsonNode> s, String name, String dflt) {
        JsonNode v = s.get(name);
        return v != null && v.isTextual() ? v.asText() : dflt;
    }

    private static List<String> list(Map<String, JsonNode> s, String name, List<String> dflt) {
        JsonNode v = s.get(name);
        if (v == null || !v.isArray()) {
            return dflt;
        }
        List<String> out = new ArrayList<>();
        v.forEach(n -> out.add(n.asText()));
        return out;
    }
}
