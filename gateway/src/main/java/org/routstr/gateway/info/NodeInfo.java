package org.routstr.gateway.info;

import java.util.List;

import io.helidon.config.Config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What {@code GET /v1/info} tells clients, from {@code gateway.info}.
 */
public record NodeInfo(String name, String description, String version, String npub, List<String> mints,
                       @JsonProperty("http_url") String httpUrl, @JsonProperty("onion_url") String onionUrl,
                       @JsonProperty("child_key_cost_msats") long childKeyCostMsats) {
    public static NodeInfo from(Config c) {
        return new NodeInfo(c.get("name").asString().orElse("Routstr node"),
                            c.get("description").asString().orElse("An OpenAI-compatible API paid with Cashu eCash"),
                            c.get("version").asString().orElse("0.1.0"), c.get("npub").asString().orElse(""),
                            c.get("mints").asList(String.class).orElse(List.of()), c.get("http-url").asString().orElse(""),
                            c.get("onion-url").asString().orElse(""), c.get("child-key-cost-msats").asLong().orElse(0L));
    }
}
