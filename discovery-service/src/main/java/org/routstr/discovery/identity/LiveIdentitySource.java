package org.routstr.discovery.identity;

import java.lang.System.Logger.Level;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import org.routstr.common.settings.LiveSettings;
import org.routstr.common.settings.OperatorSettings;
import org.routstr.common.settings.SettingField;
import org.routstr.nostr.Keys;

/**
 * The identity from the shared {@link LiveSettings} snapshot (admin's names: {@code name}, {@code description},
 * {@code http-url}, {@code onion-url}, {@code mints}, {@code nostr-relays}, {@code nostr-nsec} sealed by {@link NsecVault}),
 * with the configured {@link IdentityDefaults} as first-start seeds and for what only configuration holds (provider id,
 * version, the vault's secret). The key is decrypted once per snapshot.
 */
public final class LiveIdentitySource implements IdentitySource {
    private static final System.Logger LOG = System.getLogger(LiveIdentitySource.class.getName());
    private final LiveSettings live;
    private final IdentityDefaults defaults;
    private final Optional<NsecVault> vault;
    private volatile Cached cached;

    private record Cached(OperatorSettings settings, Identity identity) {
    }

    public LiveIdentitySource(LiveSettings live, IdentityDefaults defaults) {
        this.live = live;
        this.defaults = defaults;
        this.vault = defaults.secretKey().map(NsecVault::new);
    }

    /**
     * What the configuration seeds on first start: each identity value that is set (a blank name or an empty list leaves the
     * field to other services' seeds or the default), and the configured nsec sealed when a vault secret is set.
     */
    public static Map<SettingField, JsonNode> seeds(IdentityDefaults d) {
        Map<SettingField, JsonNode> out = new EnumMap<>(SettingField.class);
        JsonNodeFactory f = JsonNodeFactory.instance;
        text(out, SettingField.NAME, d.name());
        text(out, SettingField.DESCRIPTION, d.about());
        text(out, SettingField.HTTP_URL, d.httpUrl());
        // a bare .onion host (routstr-core's form) becomes the http URL it announces, which the setting's validation takes
        String onion = d.onionUrl().strip();
        text(out, SettingField.ONION_URL, onion.endsWith(".onion") && !onion.contains("://") ? "http://" + onion : onion);
        list(out, SettingField.MINTS, d.mints());
        list(out, SettingField.NOSTR_RELAYS, d.relays());
        if (d.nsec().isPresent() && d.secretKey().isPresent()) {
            Keys.parse(d.nsec().get());
            out.put(SettingField.NOSTR_NSEC, f.textNode(new NsecVault(d.secretKey().get()).seal(d.nsec().get())));
        }
        return out;
    }

    @Override
    public Identity current() {
        OperatorSettings s = live.current();
        Cached c = cached;
        if (c == null || !c.settings().equals(s)) {
            c = new Cached(s, identity(s));
            cached = c;
        }
        return c.identity();
    }

    /** Re-reads the settings table now (before each announcement), then answers {@link #current()}. */
    public Identity refresh() {
        live.refresh();
        return current();
    }

    private Identity identity(OperatorSettings s) {
        KeyState key = keys(s.nostrNsec());
        return new Identity(s.name(), s.description(), s.httpUrl(), s.onionUrl(), s.mints(), s.nostrRelays(),
                            defaults.providerId(), defaults.version(), key.keys(), key.state());
    }

    private record KeyState(Optional<Keys> keys, String state) {
    }

    private KeyState keys(String sealed) {
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

    private static void text(Map<SettingField, JsonNode> out, SettingField f, String value) {
        if (!value.isBlank() && !value.equals(f.defaultValue().asText())) {
            out.put(f, JsonNodeFactory.instance.textNode(value));
        }
    }

    private static void list(Map<SettingField, JsonNode> out, SettingField f, List<String> values) {
        if (!values.isEmpty()) {
            ArrayNode a = JsonNodeFactory.instance.arrayNode();
            values.forEach(a::add);
            out.put(f, a);
        }
    }
}
