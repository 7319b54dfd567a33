package org.routstr.gateway.proxy;

import java.util.Locale;
import java.util.Set;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerRequestHeaders;
import io.helidon.webclient.api.HttpClientRequest;

/**
 * Which client headers travel on. To an upstream: everything except hop-by-hop headers, the client's credentials and
 * payment headers (the provider's own key replaces {@code Authorization}) and anything {@code x-routstr-*}. Through the
 * front door to wallet, admin and discovery: only the explicit {@link #FRONT_DOOR} allow-list, so an internal header
 * ({@code X-Routstr-Internal} and every other) sent from outside never reaches a service.
 */
final class Headers {
    private static final Set<String> DROP = Set.of("connection", "keep-alive", "proxy-authorization", "proxy-authenticate", "te",
                                                   "trailer", "transfer-encoding", "upgrade", "host", "content-length",
                                                   "authorization", "x-cashu", "cookie", "refund-lnurl", "key-expiry-time",
                                                   "accept-encoding", "expect", "http2-settings");
    /** The request headers the services behind the front door read (README "The public port"). */
    static final Set<String> FRONT_DOOR = Set.of("accept", "accept-language", "content-type", "authorization", "cookie",
                                                 "x-cashu", "refund-lnurl", "key-expiry-time", "user-agent", "origin",
                                                 "referer", "x-csrf-token", "cache-control", "if-none-match",
                                                 "if-modified-since");

    private Headers() {
    }

    /** Copies the headers an upstream may see. */
    static void copyUpstream(ServerRequestHeaders from, HttpClientRequest to) {
        for (Header h : from) {
            String n = h.name().toLowerCase(Locale.ROOT);
            if (!DROP.contains(n) && !n.startsWith("x-routstr-")) {
                to.header(h);
            }
        }
        to.header(HeaderNames.ACCEPT_ENCODING, "identity");
    }

    /** Copies the allow-listed headers for a service behind the front door. */
    static void copyFrontDoor(ServerRequestHeaders from, HttpClientRequest to) {
        for (Header h : from) {
            if (FRONT_DOOR.contains(h.name().toLowerCase(Locale.ROOT))) {
                to.header(h);
            }
        }
        to.header(HeaderNames.ACCEPT_ENCODING, "identity");
    }
}
