package org.routstr.admin;

import java.util.Optional;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.routstr.common.http.ApiException;
import org.routstr.common.http.RequestIds;
import org.routstr.common.json.Json;

/**
 * JSON request and response helpers of the admin API.
 */
public final class Http {
    private Http() {
    }

    /** The JSON object body; anything else is a 400. */
    public static ObjectNode body(ServerRequest req) {
        byte[] bytes = req.content().hasEntity() ? req.content().as(byte[].class) : new byte[0];
        JsonNode n = bytes.length == 0 ? Json.object() : Json.parse(bytes);
        if (!n.isObject()) {
            throw ApiException.badRequest("invalid_body", "the request body must be a JSON object");
        }
        return (ObjectNode) n;
    }

    /** A required text field. */
    public static String text(JsonNode body, String field) {
        JsonNode n = body.path(field);
        if (!n.isTextual() || n.asText().isEmpty()) {
            throw ApiException.badRequest("invalid_" + field.replace('-', '_'), field + " is required (a string)");
        }
        return n.asText();
    }

    /** The client's address: the front door's X-Forwarded-For, else the peer. */
    public static String address(ServerRequest req) {
        return req.headers().first(HeaderNames.X_FORWARDED_FOR).map(s -> s.split(",")[0].strip())
                .orElse(req.remotePeer().host());
    }

    /** An int query parameter within bounds (400 naming it otherwise). */
    public static int intParam(ServerRequest req, String name, int dflt, int min, int max) {
        Optional<String> v = req.query().first(name).asOptional();
        if (v.isEmpty()) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.get());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through to the 400
        }
        throw ApiException.badRequest("invalid_" + name, name + " must be a whole number from " + min + " to " + max);
    }

    /** Sends {@code body} as JSON with {@code status}. */
    public static void send(ServerRequest req, ServerResponse res, int status, Object body) {
        RequestIds.of(req, res);
        res.status(Status.create(status)).header(HeaderValues.CONTENT_TYPE_JSON).header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(Json.bytes(body));
    }

    public static void ok(ServerRequest req, ServerResponse res, Object body) {
        send(req, res, 200, body);
    }
}
