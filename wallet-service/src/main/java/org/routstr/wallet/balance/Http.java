package org.routstr.wallet.balance;

import java.util.Optional;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

import org.routstr.common.http.RequestIds;
import org.routstr.common.json.Json;
import org.routstr.common.keys.ApiKeys;

/**
 * Small request/response helpers shared by the wallet's HTTP services.
 */
public final class Http {
    private Http() {
    }

    /** The JSON body, or an empty object when there is none. */
    public static JsonNode body(ServerRequest req) {
        if (!req.content().hasEntity()) {
            return Json.object();
        }
        byte[] bytes = req.content().as(byte[].class);
        return bytes.length == 0 ? Json.object() : Json.parse(bytes);
    }

    /** A text field of the body, else of the query. */
    public static Optional<String> field(ServerRequest req, JsonNode body, String name) {
        JsonNode n = body.path(name);
        if (n.isTextual() && !n.asText().isBlank()) {
            return Optional.of(n.asText());
        }
        if (n.isNumber()) {
            return Optional.of(n.asText());
        }
        return req.query().first(name).asOptional().filter(s -> !s.isBlank());
    }

    public static Optional<String> bearer(ServerRequest req) {
        return ApiKeys.bearer(req.headers().first(HeaderNames.AUTHORIZATION));
    }

    public static void send(ServerRequest req, ServerResponse res, int status, Object body) {
        RequestIds.of(req, res);
        res.status(Status.create(status)).header(HeaderNames.CONTENT_TYPE, "application/json")
                .send(Json.bytes(body == null ? NullNode.getInstance() : body));
    }

    public static void ok(ServerRequest req, ServerResponse res, Object body) {
        send(req, res, 200, body);
    }
}
