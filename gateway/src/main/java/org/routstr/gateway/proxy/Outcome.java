package org.routstr.gateway.proxy;

import java.util.Map;
import java.util.Optional;

import io.helidon.webclient.api.HttpClientResponse;

import org.routstr.gateway.catalog.Route;

/**
 * What trying the upstreams gave: a response to serve, a client error to pass through, or nothing usable.
 */
sealed interface Outcome {
    /** A 2xx from {@code route}; the caller must close {@code response}. */
    record Served(Route route, HttpClientResponse response) implements Outcome {
    }

    /** An upstream 4xx about the request itself: its body goes back unchanged. */
    record Rejected(Route route, int status, String contentType, byte[] body) implements Outcome {
    }

    /** Every candidate failed; {@code lastStatus} is the last HTTP failure if any (a 429 keeps its rate-limit headers). */
    record Failed(Optional<Integer> lastStatus, Optional<String> retryAfter, Map<String, String> rateLimit) implements Outcome {
        Failed(Optional<Integer> lastStatus, Optional<String> retryAfter) {
            this(lastStatus, retryAfter, Map.of());
        }
    }
}
