package org.routstr.discovery.identity;

import java.util.List;
import java.util.Optional;

import io.helidon.config.Config;

/**
 * The identity's configured values ({@code discovery.*}): first-start values under what the {@code settings} table holds.
 *
 * @param nsec      a plain nsec or hex key from configuration (env DISCOVERY_NSEC): sealed into the table on first start
 * @param secretKey the vault's secret (env DISCOVERY_SECRET_dash_KEY); empty: a stored nsec cannot be read
 */
public record IdentityDefaults(String name, String about, String httpUrl, String onionUrl, List<String> mints,
                               List<String> relays, Optional<String> providerId, String version, Optional<String> nsec,
                               Optional<String> secretKey) {
    public IdentityDefaults {
        mints = List.copyOf(mints);
        relays = List.copyOf(relays);
    }

    public static IdentityDefaults from(Config d) {
        return new IdentityDefaults(d.get("name").asString().orElse("Routstr node"),
                                    d.get("about").asString().orElse("An OpenAI-compatible API paid with Cashu eCash"),
                                    d.get("http-url").asString().orElse(""), d.get("onion-url").asString().orElse(""),
                                    list(d.get("mints")), list(d.get("relays")), text(d.get("provider-id")),
                                    d.get("version").asString().orElse("0.1.0"), text(d.get("nsec")), text(d.get("secret-key")));
    }

    private static Optional<String> text(Config c) {
        return c.asString().asOptional().map(String::strip).filter(s -> !s.isEmpty());
    }

    /** A YAML list or a comma-separated string. */
    static List<String> list(Config c) {
        List<String> raw = c.asList(String.class).orElseGet(() -> c.asString().map(s -> List.of(s.split(","))).orElse(List.of()));
        return raw.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
