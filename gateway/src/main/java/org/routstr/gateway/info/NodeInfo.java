package org.routstr.gateway.info;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

import org.routstr.common.settings.OperatorSettings;

/**
 * What {@code GET /v1/info} tells clients, from the live operator settings: the mints are the ones the wallet trusts and
 * the child-key cost is the one the wallet charges (one setting each).
 */
public record NodeInfo(String name, String description, String version, String npub, List<String> mints,
                       @JsonProperty("http_url") String httpUrl, @JsonProperty("onion_url") String onionUrl,
                       @JsonProperty("child_key_cost_msats") long childKeyCostMsats) {
    /** The info of a settings snapshot. */
    public static NodeInfo of(OperatorSettings s, String version) {
        return new NodeInfo(s.name(), s.description(), version, s.npub(), s.mints(), s.httpUrl(), s.onionUrl(),
                            s.childKeyCostMsat());
    }
}
