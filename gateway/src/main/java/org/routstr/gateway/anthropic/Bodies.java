package org.routstr.gateway.anthropic;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import io.helidon.webserver.http.ServerRequest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.routstr.common.http.ApiException;
import org.routstr.common.json.Json;

/**
 * Reads a Messages request: at most {@code gateway.max-request-bytes} (413 above), a JSON object with a string model.
 */
final class Bodies {
    private Bodies() {
    }

    static byte[] read(ServerRequest req, long max) {
        if (req.headers().contentLength().orElse(0) > max) {
            throw new ApiException(413, "invalid_request_error", "request_too_large",
                                   "Request body too large: the limit is " + max + " bytes.");
        }
        try (InputStream in = req.content().inputStream()) {
            byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
            if (b.length > max) {
                throw new ApiException(413, "invalid_request_error", "request_too_large",
                                       "Request body too large: the limit is " + max + " bytes.");
            }
            return b;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode object(byte[] raw) {
        if (!(Json.parse(raw) instanceof ObjectNode tree)) {
            throw ApiException.badRequest("invalid_request", "The request body must be a JSON object.");
        }
        return tree;
    }

    static String model(ObjectNode tree) {
        JsonNode m = tree.get("model");
        if (m == null || !m.isTextual() || m.asText().isBlank()) {
            throw ApiException.badRequest("invalid_model", "'model' is required and must be a string.");
        }
        return m.asText();
    }
}
