package org.routstr.gateway.proxy;

import java.util.OptionalLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.routstr.common.http.ApiException;
import org.routstr.common.json.Json;
import org.routstr.gateway.catalog.Route;
import org.routstr.gateway.pricing.Budget;
import org.routstr.gateway.pricing.PromptTokens;

/**
 * A validated JSON request to a paid endpoint: its model, whether it streams, and everything it can make the upstream bill
 * ({@link #budget}); and the bytes to send to one route.
 */
record JsonRequest(String endpoint, ObjectNode tree, byte[] raw, String model, boolean stream) {
    /** OpenAI's limit on {@code n} (chat) and the most choices any endpoint may ask for. */
    static final int MAX_CHOICES = 128;

    /** Parses and checks a body (400 in the envelope for anything malformed). */
    static JsonRequest parse(String endpoint, byte[] raw) {
        JsonNode parsed = Json.parse(raw);
        if (!(parsed instanceof ObjectNode tree)) {
            throw ApiException.badRequest("invalid_request", "The request body must be a JSON object.");
        }
        return new JsonRequest(endpoint, tree, raw, model(tree, endpoint), flag(tree, "stream"));
    }

    /** The worst case: the largest completion budget named, times {@code n} or {@code best_of}; images asked for. */
    Budget budget(PromptTokens prompt) {
        int images = endpoint.equals("images/generations") ? count("n") : 0;
        int choices = endpoint.equals("images/generations") ? 1 : Math.max(count("n"), count("best_of"));
        return new Budget(prompt.of(tree, raw.length), maxTokens(), choices, images, characters());
    }

    /** The characters a text-to-speech request asks to speak (its {@code input}); 0 for other endpoints. */
    long characters() {
        JsonNode input = tree.get("input");
        return endpoint.equals("audio/speech") && input != null && input.isTextual()
                ? input.asText().codePointCount(0, input.asText().length()) : 0;
    }

    /** The body for a route: its upstream model id, and usage asked for in a chat or completions stream. */
    byte[] body(Route r) {
        boolean wantUsage = stream && (endpoint.equals("chat/completions") || endpoint.equals("completions"))
                            && !tree.at("/stream_options/include_usage").asBoolean(false);
        if (!wantUsage && r.upstreamId().equals(model)) {
            return raw;
        }
        tree.put("model", r.upstreamId());
        if (wantUsage) {
            tree.withObjectProperty("stream_options").put("include_usage", true);
        }
        return Json.bytes(tree);
    }

    private int count(String field) {
        JsonNode n = tree.get(field);
        if (n == null || n.isNull()) {
            return 1;
        }
        if (!n.isIntegralNumber() || n.asLong() < 1 || n.asLong() > MAX_CHOICES) {
            throw ApiException.badRequest("invalid_" + field, "'" + field + "' must be an integer from 1 to " + MAX_CHOICES);
        }
        return n.asInt();
    }

    /** The largest of max_tokens, max_completion_tokens and max_output_tokens: an upstream may honour any of them. */
    private OptionalLong maxTokens() {
        OptionalLong max = OptionalLong.empty();
        for (String f : new String[] {"max_tokens", "max_completion_tokens", "max_output_tokens"}) {
            JsonNode n = tree.get(f);
            if (n != null && !n.isNull()) {
                if (!n.isIntegralNumber() || n.asLong() < 0) {
                    throw ApiException.badRequest("invalid_max_tokens", f + " must be a non-negative integer");
                }
                max = OptionalLong.of(Math.max(n.asLong(), max.orElse(0)));
            }
        }
        return max;
    }

    private static String model(ObjectNode tree, String endpoint) {
        JsonNode m = tree.get("model");
        if (m == null && endpoint.equals("moderations")) {
            return "omni-moderation-latest";
        }
        if (m == null || !m.isTextual() || m.asText().isBlank()) {
            throw ApiException.badRequest("invalid_model", "'model' is required and must be a string.");
        }
        return m.asText();
    }

    private static boolean flag(ObjectNode tree, String name) {
        JsonNode n = tree.get(name);
        if (n != null && !n.isNull() && !n.isBoolean()) {
            throw ApiException.badRequest("invalid_type", "'" + name + "' must be a boolean");
        }
        return n != null && n.asBoolean(false);
    }
}
