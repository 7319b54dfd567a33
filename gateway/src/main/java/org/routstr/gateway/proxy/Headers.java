package org.routstr.gateway.proxy;

import java.util.Locale;
import java.util.Set;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerRequestHeaders;
import io.helidon.webclient.api.HttpClientRequest;

/**
 * Which client headers travel upstream: everything except hop-by-hop headers and the client's credentials and payment
 * headers (the provider's own key replaces {@code Authorization}).
 */
final class Headers {
    private static final Set<String> DROP = Set.of("connection", "keep-alive", "proxy-authorization", "proxy-authenticate", "te",
                                                   "trailer", "transfer-encoding", "upgrade", "host", "content-length",
                                                   "authorization", "x-cashu", "cookie", "refund-lnurl", "key-expiry-time",
                                                   "x-routstr-internal", "accept-encoding", "expect", "http2-settings");

    private Headers() {
    }

    /** Copies the forwardable headers; {@code keepAuth} keeps Authorization and X-Cashu (the front door's targets need them). */
    static void copy(ServerRequestHeaders from, HttpClientRequest to, boolean keepAuth) {
        for (Header h : from) {
            String n = h.name().toLowerCase(Locale.ROOT);
            boolean auth = n.equals("authorization") || n.equals("x-cashu") || n.equals("cookie");
            if (!DROP.contains(n) || keepAuth && auth) {
                to.header(h);
            }
        }
        to.header(HeaderNames.ACCEPT_ENCODING, "identity");
    }
}
