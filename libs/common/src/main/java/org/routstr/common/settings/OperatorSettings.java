package org.routstr.common.settings;

import java.lang.System.Logger.Level;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The typed, immutable snapshot of every operator-editable setting (DESIGN.md "Live settings"). Handlers read the current
 * snapshot from {@link LiveSettings}, never the configuration.
 *
 * @param nostrNsec the encrypted nsec as stored (empty: none); only discovery decrypts it
 * @param version   when the newest setting in this snapshot was written (the epoch when all are defaults)
 */
public record OperatorSettings(BigDecimal exchangeFee, BigDecimal upstreamFee, boolean fixedPricing, long fixedCostSats,
                               int defaultMaxTokens, String name, String description, String npub, String httpUrl,
                               String onionUrl, List<String> mints, long childKeyCostMsat, String lightningAddress,
                               List<String> nostrRelays, String nostrNsec, int rateLimitPerKey, int rateLimitPerIp,
                               Duration rateLimitWindow, Instant version) {
    private static final System.Logger LOG = System.getLogger(OperatorSettings.class.getName());

    public OperatorSettings {
        mints = List.copyOf(mints);
        nostrRelays = List.copyOf(nostrRelays);
    }

    /** Every field at its default. */
    public static OperatorSettings defaults() {
        return from(Map.of(), Instant.EPOCH);
    }

    /** Builds a snapshot from stored values by name; a missing or (somehow) invalid stored value falls back to the default. */
    public static OperatorSettings from(Map<String, JsonNode> stored, Instant version) {
        Map<SettingField, JsonNode> v = new EnumMap<>(SettingField.class);
        for (SettingField f : SettingField.values()) {
            JsonNode raw = stored.get(f.key());
            JsonNode value = f.defaultValue();
            if (raw != null) {
                try {
                    value = f.validate(raw);
                } catch (InvalidSettingException e) {
                    LOG.log(Level.WARNING, "stored setting " + f.key() + " ignored: " + e.getMessage());
                }
            }
            v.put(f, value);
        }
        return new OperatorSettings(new BigDecimal(v.get(SettingField.EXCHANGE_FEE).asText()),
                new BigDecimal(v.get(SettingField.UPSTREAM_FEE).asText()), v.get(SettingField.FIXED_PRICING).asBoolean(),
                v.get(SettingField.FIXED_COST_SATS).asLong(), v.get(SettingField.DEFAULT_MAX_TOKENS).asInt(),
                v.get(SettingField.NAME).asText(), v.get(SettingField.DESCRIPTION).asText(), v.get(SettingField.NPUB).asText(),
                v.get(SettingField.HTTP_URL).asText(), v.get(SettingField.ONION_URL).asText(), strings(v.get(SettingField.MINTS)),
                v.get(SettingField.CHILD_KEY_COST_MSAT).asLong(), v.get(SettingField.LIGHTNING_ADDRESS).asText(),
                strings(v.get(SettingField.NOSTR_RELAYS)), v.get(SettingField.NOSTR_NSEC).asText(),
                v.get(SettingField.RATE_LIMIT_PER_KEY).asInt(), v.get(SettingField.RATE_LIMIT_PER_IP).asInt(),
                Duration.ofSeconds(v.get(SettingField.RATE_LIMIT_WINDOW_SECONDS).asLong()), version);
    }

    /** The fixed price per request in sats, or 0 when pricing is per token. */
    public long fixedSatsPerRequest() {
        return fixedPricing ? fixedCostSats : 0;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
