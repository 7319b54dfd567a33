package org.routstr.gateway.pricing;

import java.util.OptionalLong;

/**
 * What a request can make the upstream bill: its prompt tokens (text, tools, images and audio counted), the completion
 * budget of one choice (empty: the model's limit or the default), how many choices are generated, output images, and
 * the characters a text-to-speech request asks to speak.
 */
public record Budget(long promptTokens, OptionalLong maxOutputTokens, int choices, int images, long characters) {
    public Budget {
        if (promptTokens < 0 || choices < 1 || images < 0 || characters < 0) {
            throw new IllegalArgumentException("budget: promptTokens >= 0, choices >= 1, images >= 0, characters >= 0");
        }
    }

    /** A budget without speech characters. */
    public Budget(long promptTokens, OptionalLong maxOutputTokens, int choices, int images) {
        this(promptTokens, maxOutputTokens, choices, images, 0);
    }

    /** A budget of one choice and no output images. */
    public static Budget of(long promptTokens, OptionalLong maxOutputTokens) {
        return new Budget(promptTokens, maxOutputTokens, 1, 0);
    }
}
