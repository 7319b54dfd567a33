package org.routstr.common.http;

import java.util.UUID;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The per-request id ({@code x-routstr-request-id}): taken from a trusted front door when present, otherwise new, and
 * always echoed on the response. A public port calls {@link #assignFresh} first, so a client never chooses the id; the
 * client's own id is echoed back as {@code x-routstr-client-request-id}.
 */
public final class RequestIds {
    /** Header carrying the request id on requests between services and on every response. */
    public static final HeaderName HEADER = HeaderNames.create("x-routstr-request-id");
    /** The client's own id, echoed (never used as ours). */
    public static final HeaderName CLIENT_HEADER = HeaderNames.create("x-routstr-client-request-id");
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

    /** For a public port: a new id whatever the request carries; a short printable client id is echoed separately. */
    public static void assignFresh(ServerRequest req, ServerResponse res) {
        String id = UUID.randomUUID().toString();
        req.context().register(CONTEXT_KEY, id);
        res.header(HEADER, id);
        req.headers().first(HEADER).filter(c -> c.length() <= 64 && c.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f))
                .ifPresent(c -> res.header(CLIENT_HEADER, c));
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
