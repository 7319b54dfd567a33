package org.routstr.gateway.cors;

import java.util.List;
import java.util.Optional;

import io.helidon.config.Config;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * CORS for browser clients on every gateway route ({@code gateway.cors.origins}, default {@code *}; empty turns it off):
 * an allowed {@code Origin} is echoed and the payment and cost headers plus the request id are exposed so a page can read
 * its change and cost. A preflight is answered here, before any authentication. Credentials (cookies) are not allowed
 * and {@code /admin} gets no CORS: the API authenticates by header, and the admin session cookie must stay same-origin.
 */
public final class Cors implements Filter {
    static final String EXPOSED = "x-routstr-request-id, x-cashu, x-routstr-cost-msats, x-routstr-cost-usd, "
                                  + "x-routstr-input-cost-msats, x-routstr-output-cost-msats, retry-after";
    private static final HeaderName REQUEST_METHOD = HeaderNames.create("Access-Control-Request-Method");
    private static final HeaderName REQUEST_HEADERS = HeaderNames.create("Access-Control-Request-Headers");
    private final List<String> origins;
    private final String maxAge;

    public Cors(List<String> origins, long maxAgeSeconds) {
        this.origins = List.copyOf(origins);
        this.maxAge = String.valueOf(maxAgeSeconds);
    }

    /** Reads {@code gateway.cors.origins} (a list) and {@code gateway.cors.max-age-seconds}. */
    public static Cors from(Config c) {
        return new Cors(c.get("origins").asList(String.class).orElse(List.of("*")), c.get("max-age-seconds").asLong().orElse(600L));
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        Optional<String> origin = req.headers().first(HeaderNames.ORIGIN).filter(this::allowed);
        if (origin.isEmpty() || req.path().path().startsWith("/admin")) {
            chain.proceed();
            return;
        }
        res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin.get());
        res.header(HeaderNames.VARY, "Origin");
        if (req.prologue().method() == Method.OPTIONS && req.headers().contains(REQUEST_METHOD)) {
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, PUT, PATCH, DELETE, OPTIONS");
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, req.headers().first(REQUEST_HEADERS).orElse("*"));
            res.header(HeaderNames.ACCESS_CONTROL_MAX_AGE, maxAge);
            res.status(Status.NO_CONTENT_204).send();
            return;
        }
        res.header(HeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED);
        chain.proceed();
    }

    private boolean allowed(String origin) {
        return origins.contains("*") || origins.contains(origin);
    }
}
