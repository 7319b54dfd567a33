package org.routstr.common.settings;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * One operator-editable setting: its stored name (a row of the {@code settings} table), its default and its rule. The
 * same rule checks a value the admin API receives (a 400 naming the field) and a value read back from the database.
 */
public enum SettingField {
    EXCHANGE_FEE("exchange-fee", Kind.FEE, "1.005"),
    UPSTREAM_FEE("upstream-fee", Kind.FEE, "1.10"),
    FIXED_PRICING("fixed-pricing", Kind.BOOL, "false"),
    FIXED_COST_SATS("fixed-cost-sats", Kind.POSITIVE, "1"),
    DEFAULT_MAX_TOKENS("default-max-tokens", Kind.POSITIVE, "4096"),
    NAME("name", Kind.TEXT, "Routstr node"),
    DESCRIPTION("description", Kind.TEXT, "An OpenAI-compatible API paid with Cashu eCash"),
    NPUB("npub", Kind.NPUB, ""),
    HTTP_URL("http-url", Kind.URL, ""),
    ONION_URL("onion-url", Kind.URL, ""),
    MINTS("mints", Kind.URLS, "[]"),
    CHILD_KEY_COST_MSAT("child-key-cost-msat", Kind.NON_NEGATIVE, "0"),
    LIGHTNING_ADDRESS("lightning-address", Kind.LN_ADDRESS, ""),
    NOSTR_RELAYS("nostr-relays", Kind.RELAYS, "[]"),
    NOSTR_NSEC("nostr-nsec", Kind.SECRET, ""),
    RATE_LIMIT_PER_KEY("rate-limit-per-key", Kind.NON_NEGATIVE, "0"),
    RATE_LIMIT_PER_IP("rate-limit-per-ip", Kind.NON_NEGATIVE, "0"),
    RATE_LIMIT_WINDOW_SECONDS("rate-limit-window-seconds", Kind.POSITIVE, "60");

    private static final Pattern LN_ADDRESS_SHAPE = Pattern.compile("^[a-z0-9._+-]+@[a-z0-9.-]+\\.[a-z]{2,}$|^[a-z0-9._+-]+@(localhost|127\\.0\\.0\\.1)(:\\d+)?$");
    private static final Pattern NPUB_SHAPE = Pattern.compile("^npub1[02-9ac-hj-np-z]{58}$");
    private final String key;
    private final Kind kind;
    private final String defaultText;

    SettingField(String key, Kind kind, String defaultText) {
        this.key = key;
        this.kind = kind;
        this.defaultText = defaultText;
    }

    /** The stored (and API) name, lower-kebab. */
    public String key() {
        return key;
    }

    /** Whether the value is a secret: write-only through the API, never logged. */
    public boolean secret() {
        return kind == Kind.SECRET;
    }

    /** The field of a stored name. */
    public static Optional<SettingField> byKey(String key) {
        for (SettingField f : values()) {
            if (f.key.equals(key)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /** The default as JSON. */
    public JsonNode defaultValue() {
        return switch (kind) {
            case URLS, RELAYS -> JsonNodeFactory.instance.arrayNode();
            case BOOL -> JsonNodeFactory.instance.booleanNode(Boolean.parseBoolean(defaultText));
            case POSITIVE, NON_NEGATIVE -> JsonNodeFactory.instance.numberNode(Long.parseLong(defaultText));
            default -> JsonNodeFactory.instance.textNode(defaultText);
        };
    }

    /** Checks and normalises a value; throws {@link InvalidSettingException} naming this field. */
    public JsonNode validate(JsonNode v) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (kind) {
            case FEE -> {
                BigDecimal d = decimal(v);
                if (d.compareTo(BigDecimal.ONE) < 0 || d.compareTo(BigDecimal.TEN) > 0) {
                    throw invalid("must be a number from 1 to 10");
                }
                yield f.textNode(d.stripTrailingZeros().toPlainString());
            }
            case BOOL -> {
                if (!v.isBoolean()) {
                    throw invalid("must be true or false");
                }
                yield v;
            }
            case POSITIVE, NON_NEGATIVE -> {
                if (!v.canConvertToExactIntegral() || !v.canConvertToLong()) {
                    throw invalid("must be a whole number");
                }
                long n = v.asLong();
                if (n < (kind == Kind.POSITIVE ? 1 : 0) || n > Integer.MAX_VALUE) {
                    throw invalid(kind == Kind.POSITIVE ? "must be at least 1" : "must not be negative");
                }
                yield f.numberNode(n);
            }
            case TEXT -> f.textNode(text(v, 500));
            case NPUB -> matching(v, NPUB_SHAPE, "must be an npub1… key (bech32, 63 characters)");
            case LN_ADDRESS -> matching(v, LN_ADDRESS_SHAPE, "must be a Lightning address like name@example.com");
            case URL -> f.textNode(url(text(v, 500), List.of("http", "https"), false));
            case URLS -> f.arrayNode().addAll(list(v, List.of("http", "https")));
            case RELAYS -> f.arrayNode().addAll(list(v, List.of("wss", "ws")));
            case SECRET -> f.textNode(text(v, 500));
        };
    }

    private JsonNode matching(JsonNode v, Pattern p, String rule) {
        String s = text(v, 200).toLowerCase(java.util.Locale.ROOT);
        if (!s.isEmpty() && !p.matcher(s).matches()) {
            throw invalid(rule);
        }
        return JsonNodeFactory.instance.textNode(s);
    }

    private List<JsonNode> list(JsonNode v, List<String> schemes) {
        if (!v.isArray()) {
            throw invalid("must be a list of URLs");
        }
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode e : v) {
            String u = url(text(e, 500), schemes, true);
            if (out.stream().noneMatch(x -> x.asText().equals(u))) {
                out.add(JsonNodeFactory.instance.textNode(u));
            }
        }
        return out;
    }

    private String url(String s, List<String> schemes, boolean required) {
        if (s.isEmpty() && !required) {
            return s;
        }
        try {
            URI u = new URI(s);
            if (u.getScheme() == null || !schemes.contains(u.getScheme().toLowerCase(java.util.Locale.ROOT)) || u.getHost() == null) {
                throw invalid("must be a " + String.join(" or ", schemes) + " URL with a host");
            }
        } catch (URISyntaxException e) {
            throw invalid("is not a valid URL");
        }
        String t = s;
        while (t.endsWith("/")) {
            t = t.substring(0, t.length() - 1);
        }
        return t;
    }

    private String text(JsonNode v, int max) {
        if (v == null || !v.isTextual()) {
            throw invalid("must be a string");
        }
        String s = v.asText().strip();
        if (s.length() > max) {
            throw invalid("is longer than " + max + " characters");
        }
        return s;
    }

    private BigDecimal decimal(JsonNode v) {
        try {
            if (v.isNumber()) {
                return v.decimalValue();
            }
            if (v.isTextual()) {
                return new BigDecimal(v.asText().strip());
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw invalid("must be a number");
    }

    private InvalidSettingException invalid(String rule) {
        return new InvalidSettingException(key, key + " " + rule);
    }

    private enum Kind { FEE, BOOL, POSITIVE, NON_NEGATIVE, TEXT, NPUB, URL, URLS, LN_ADDRESS, RELAYS, SECRET }
}
