package org.routstr.gateway.anthropic;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The local token estimate of {@code count_tokens} when no Anthropic provider can count: one token per started three
 * characters of system prompt, message text, tool results and tool definitions (the reference's fallback rule).
 */
final class TokenCount {
    private TokenCount() {
    }

    static long estimate(JsonNode request) {
        long chars = ChatRequests.text(request.get("system")).length();
        for (JsonNode m : request.path("messages")) {
            JsonNode c = m.path("content");
            if (c.isTextual()) {
                chars += c.asText().length();
            }
            for (JsonNode b : c) {
                chars += b.path("text").asText("").length() + ChatRequests.text(b.get("content")).length();
                if (b.has("input")) {
                    chars += b.get("input").toString().length();
                }
            }
        }
        for (JsonNode t : request.path("tools")) {
            chars += t.toString().length();
        }
        return Math.max(1, (chars + 2) / 3);
    }
}
