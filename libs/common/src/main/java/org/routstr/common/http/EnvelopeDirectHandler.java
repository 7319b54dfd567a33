package org.routstr.common.http;

import java.util.UUID;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;

import org.routstr.common.json.Json;

/**
 * Errors the web server answers before routing (a body over {@code server.max-payload-size}, a malformed request line or
 * oversized headers) get the same JSON envelope as every other error, not Helidon's empty or plain-text body.
 */
public final class EnvelopeDirectHandler implements DirectHandler {
    private EnvelopeDirectHandler() {
    }

    /** Direct handlers for every event type. */
    public static DirectHandlers all() {
        DirectHandlers.Builder b = DirectHandlers.builder();
        EnvelopeDirectHandler h = new EnvelopeDirectHandler();
        for (EventType t : EventType.values()) {
            b.addHandler(t, h);
        }
        return b.build();
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status status, ServerResponseHeaders headers,
                                    String message) {
        // an internal error before any request was parsed is a request line or header Helidon could not read (a method with
        // non-ASCII bytes, a control character in a name): the client's bytes, so 400; the cause stays in Helidon's log
        Status st = eventType == EventType.INTERNAL_ERROR && request == TransportRequest.empty() ? Status.BAD_REQUEST_400 : status;
        int code = st.code();
        String id = UUID.randomUUID().toString();
        String errorCode = code == 413 ? "request_too_large" : code == 400 ? "bad_request" : "http_" + code;
        String text = code >= 500 ? "internal server error" : st.reasonPhrase();
        byte[] body = Json.bytes(ErrorEnvelope.body(text, code >= 500 ? "server_error" : "invalid_request_error", errorCode, id));
        headers.set(HeaderNames.CONTENT_TYPE, "application/json");
        headers.set(RequestIds.HEADER, id);
        return TransportResponse.builder().status(st).headers(headers).keepAlive(eventType.keepAlive()).entity(body).build();
    }
}
