package org.routstr.gateway.pricing;

import io.helidon.config.Config;

/**
 * {@code gateway.pricing}: the worst case an upstream bills for media in a prompt. An image is {@code image-tokens}
 * whatever its bytes (default 2,500: above OpenAI's largest high-detail tile count, 1,105 for gpt-4o, its 1,536-patch cap
 * × 1.62 for gpt-4.1-mini, 2,488, and Anthropic's ~1,600 for a 1.15-megapixel image); audio is one token per
 * {@code audio-bytes-per-token} bytes (default 100: OpenAI bills 10 audio tokens per second, and the lowest bitrate its
 * inputs take, MP3 at 8 kbit/s, is 1,000 bytes per second).
 */
public record MediaTokens(int imageTokens, int audioBytesPerToken) {
    public MediaTokens {
        if (imageTokens <= 0 || audioBytesPerToken <= 0) {
            throw new IllegalArgumentException("gateway.pricing.image-tokens and audio-bytes-per-token must be positive");
        }
    }

    /** Reads the node (defaults 2,500 and 100). */
    public static MediaTokens from(Config pricing) {
        return new MediaTokens(pricing.get("image-tokens").asInt().orElse(2_500),
                               pricing.get("audio-bytes-per-token").asInt().orElse(100));
    }

    /** The tokens of {@code bytes} of audio, at least 1. */
    public long audioTokens(long bytes) {
        return Math.max(1, (bytes + audioBytesPerToken - 1) / audioBytesPerToken);
    }
}
