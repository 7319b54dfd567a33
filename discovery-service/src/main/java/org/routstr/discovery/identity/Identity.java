package org.routstr.discovery.identity;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.routstr.nostr.Keys;

/**
 * What the node says about itself on Nostr, as of now: name, about, endpoint URLs, mints, relays, and the key (absent:
 * the node publishes nothing).
 *
 * @param providerId the announcement's {@code d} if fixed by configuration
 * @param nsecState  how the key was found, for health ({@code stored}, {@code seeded}, {@code config-only}, {@code absent}, or an error)
 */
public record Identity(String name, String about, String httpUrl, String onionUrl, List<String> mints, List<String> relays,
                       Optional<String> providerId, String version, Optional<Keys> keys, String nsecState) {
    private static final String UNSET_HTTP = "http://localhost:8000";

    public Identity {
        mints = List.copyOf(mints);
        relays = List.copyOf(relays);
    }

    /**
     * The announced endpoints, as routstr-core lists them: the HTTP URL (unless empty or the reference's unset default
     * {@code http://localhost:8000}), then the onion URL ({@code http://} added to a bare {@code .onion}).
     */
    public List<String> endpoints() {
        List<String> out = new ArrayList<>();
        String http = strip(httpUrl);
        if (!http.isEmpty() && !http.equals(UNSET_HTTP)) {
            out.add(http);
        }
        String onion = strip(onionUrl);
        if (!onion.isEmpty()) {
            out.add(onion.endsWith(".onion") && !onion.contains("://") ? "http://" + onion : onion);
        }
        return out;
    }

    private static String strip(String url) {
        String s = url == null ? "" : url.strip();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }
}
