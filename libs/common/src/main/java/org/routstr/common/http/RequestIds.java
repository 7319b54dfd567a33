package org.routstr.common.http;

import java.util.UUID;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The per-request id ({@code x-routstr-request-id}): taken from a trusted front door when present, otherwise new, and
 * always echoed on the response.
 */
public final class RequestIds {
    /** Header carrying the request id on requests between services and on every response. */
    public static final HeaderName HEADER = HeaderNames.create("x-routstr-request-id");
    private static final String CONTEXT_KEY = "routstr.request-id";

    private RequestIds() {
    }

    /** The id of this request, created once and set on the response. */
    public static String of(ServerRequest req, ServerResponse res) {
        return req.context().get(CONTEXT_KEY, String.class).orElseGet(() -> {
            String id = req.headers().first(HEADER).filter(RequestIds::wellFormed).orElseGet(() -> UUID.randomUUID().toString());
            req.context().register(CONTEXT_KEY, id);
            res.header(HEADER, id);
            return id;
        });
    }

    private static boolean wellFormed(String id) {
        try {
            UUID.fromString(id);
            return id.length() == 36;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
