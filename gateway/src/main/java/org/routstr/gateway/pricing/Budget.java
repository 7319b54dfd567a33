package org.routstr.gateway.pricing;

import java.util.OptionalLong;

/**
 * What a request can make the upstream bill: its prompt tokens (text, tools, images and audio counted), the completion
 * budget of one choice (empty: the model's limit or the default), how many choices are generated, and output images.
 */
public record Budget(long promptTokens, OptionalLong maxOutputTokens, int choices, int images) {
    public Budget {
        if (promptTokens < 0 || choices < 1 || images < 0) {
            throw new IllegalArgumentException("budget: promptTokens >= 0, choices >= 1, images >= 0");
        }
    }

    /** A budget of one choice and no output images. */
    public static Budget of(long promptTokens, OptionalLong maxOutputTokens) {
        return new Budget(promptTokens, maxOutputTokens, 1, 0);
    }
}
