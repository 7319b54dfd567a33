package org.routstr.gateway.proxy;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.webserver.http.ServerResponse;

/**
 * An upstream 429's rate-limit headers ({@code retry-after}, {@code x-ratelimit-*}, {@code anthropic-ratelimit-*}), kept so
 * the client's own back-off logic sees them on the gateway's 429.
 */
public final class RateLimitHeaders {
    private RateLimitHeaders() {
    }

    public static Map<String, String> of(Headers headers) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Header h : headers) {
            String n = h.name().toLowerCase(Locale.ROOT);
            if (n.equals("retry-after") || n.startsWith("x-ratelimit-") || n.startsWith("anthropic-ratelimit-")) {
                m.put(n, h.get());
            }
        }
        return m;
    }

    /** Sets them on the response, with {@code Retry-After: 1} when the upstream gave none. */
    public static void copy(Map<String, String> headers, ServerResponse res) {
        headers.forEach((k, v) -> res.header(HeaderNames.create(k), v));
        if (!headers.containsKey("retry-after")) {
            res.header(HeaderNames.RETRY_AFTER, "1");
        }
    }
}
