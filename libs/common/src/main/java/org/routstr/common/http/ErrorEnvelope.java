package org.routstr.common.http;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.routstr.common.json.Json;

/**
 * Builds Routstr Core's error body: {@code {"error":{message,type,code},"detail":{"error":{…}},"request_id":…}}, which OpenAI
 * SDKs read through {@code error} and Routstr clients through {@code detail.error} (the reference's HTTPException shape).
 */
public final class ErrorEnvelope {
    private ErrorEnvelope() {
    }

    /** The envelope for an {@link ApiException}. */
    public static ObjectNode of(ApiException e, String requestId) {
        ObjectNode root = body(e.getMessage(), e.type(), e.code(), requestId);
        e.detail().ifPresentOrElse(d -> root.set("detail", Json.mapper().valueToTree(d)),
                                   () -> root.putObject("detail").set("error", root.get("error").deepCopy()));
        return root;
    }

    /** A plain envelope with {@code detail} equal to the message. */
    public static ObjectNode body(String message, String type, String code, String requestId) {
        ObjectNode root = Json.object();
        ObjectNode error = root.putObject("error");
        error.put("message", message);
        error.put("type", type);
        error.put("code", code);
        root.put("request_id", requestId);
        return root;
    }
}
