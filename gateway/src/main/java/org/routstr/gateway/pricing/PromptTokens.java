package org.routstr.gateway.pricing;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The prompt tokens a JSON request can be billed for: every byte of it ÷ 3 (messages, tools, functions, schemas alike),
 * except that image and audio parts count as what the upstream bills for them ({@link MediaTokens}), not as their bytes.
 */
public final class PromptTokens {
    private final MediaTokens media;

    public PromptTokens(MediaTokens media) {
        this.media = media;
    }

    /** The worst case for a parsed body of {@code rawBytes} bytes. */
    public long of(JsonNode body, long rawBytes) {
        Tally t = new Tally();
        walk(body, t);
        return Math.max(0, rawBytes - t.skippedBytes) / 3 + 1 + t.tokens;
    }

    private void walk(JsonNode n, Tally t) {
        if (n.isArray()) {
            n.forEach(c -> walk(c, t));
            return;
        }
        if (!n.isObject()) {
            return;
        }
        switch (n.path("type").asText("")) {
            // chat's image_url, Responses' input_image, Anthropic's image: a URL, a file id or base64 data
            case "image_url", "input_image", "image" -> {
                t.tokens += media.imageTokens();
                t.skippedBytes += textBytes(n.get("image_url")) + textBytes(n.path("source").get("data"))
                                  + textBytes(n.path("source").get("url"));
                return;
            }
            case "input_audio" -> {
                JsonNode data = n.path("input_audio").path("data");
                // base64: 4 characters carry 3 bytes
                t.tokens += media.audioTokens(textBytes(data) * 3 / 4);
                t.skippedBytes += textBytes(data);
                return;
            }
            default -> n.forEach(c -> walk(c, t));
        }
    }

    private static long textBytes(JsonNode n) {
        if (n == null) {
            return 0;
        }
        if (n.isObject()) {
            return textBytes(n.get("url"));
        }
        return n.isTextual() ? n.asText().length() : 0;
    }

    private static final class Tally {
        private long tokens;
        private long skippedBytes;
    }
}
