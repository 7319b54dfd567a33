package org.routstr.discovery.providers;

import java.net.URI;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import org.routstr.nostr.Event;
import org.routstr.nostr.NostrJson;

/**
 * A provider as routstr-core's discovery parses a kind-38421 listing ({@code /v1/providers/} shape).
 */
public record Provider(String id, String pubkey, @JsonProperty("created_at") long createdAt, int kind,
                       @JsonProperty("endpoint_url") String endpointUrl, @JsonProperty("endpoint_urls") List<String> endpointUrls,
                       String name, String description, @JsonProperty("mint_urls") List<String> mintUrls, String version,
                       String content) {
    private static final String UNSET = "http://localhost:8000";

    public Provider {
        endpointUrls = List.copyOf(endpointUrls);
        mintUrls = List.copyOf(mintUrls);
    }

    /**
     * Parses a listing; empty for a malformed one: not kind 38421, no {@code d}, no {@code u}, an endpoint that is not an
     * http(s) URL, the reference's unset {@code http://localhost:8000}, or content that is not a JSON object.
     */
    public static Optional<Provider> parse(Event e) {
        Optional<String> d = e.tag("d");
        List<String> urls = e.tagValues("u");
        if (e.kind() != 38421 || d.isEmpty() || urls.isEmpty() || !urls.stream().allMatch(Provider::httpUrl)
                || urls.get(0).equals(UNSET)) {
            return Optional.empty();
        }
        String name = "Unknown Provider";
        String about = null;
        if (!e.content().isBlank()) {
            JsonNode c;
            try {
                c = NostrJson.read(e.content());
            } catch (IllegalArgumentException ex) {
                return Optional.empty();
            }
            if (!c.isObject()) {
                return Optional.empty();
            }
            name = c.path("name").isTextual() ? c.get("name").asText() : name;
            about = c.path("about").isTextual() ? c.get("about").asText() : null;
        }
        return Optional.of(new Provider(d.get(), e.pubkey(), e.createdAt(), e.kind(), urls.get(0), urls, name, about,
                                        e.tagValues("mint"), e.tag("version").orElse(null), e.content()));
    }

    private static boolean httpUrl(String u) {
        try {
            URI uri = new URI(u);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }
}
