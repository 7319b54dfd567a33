package org.routstr.gateway.pricing;

import java.math.BigDecimal;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Token counts an upstream reported, normalised: {@code input} excludes cached and cache-write tokens (OpenAI's
 * {@code prompt_tokens} includes them; Anthropic's {@code input_tokens} does not). {@code upstreamUsd} is the USD cost the
 * upstream itself reported ({@code usage.cost}, OpenRouter), priced from only when the operator enables it.
 */
public record Usage(long input, long output, long cached, long cacheWrite, Optional<BigDecimal> upstreamUsd) {
    /** Token counts only. */
    public Usage(long input, long output, long cached, long cacheWrite) {
        this(input, output, cached, cacheWrite, Optional.empty());
    }

    /** Reads a {@code usage} object of chat, completions, embeddings, Responses or Anthropic shape. */
    public static Optional<Usage> of(JsonNode u) {
        if (u == null || !u.isObject()) {
            return Optional.empty();
        }
        long output = first(u, "completion_tokens", "output_tokens");
        long cached = Math.max(Math.max(u.at("/prompt_tokens_details/cached_tokens").asLong(0),
                                        u.at("/input_tokens_details/cached_tokens").asLong(0)),
                               u.path("cache_read_input_tokens").asLong(0));
        long write = Math.max(u.path("cache_creation_input_tokens").asLong(0),
                              u.at("/prompt_tokens_details/cache_write_tokens").asLong(0));
        long input;
        if (u.has("prompt_tokens")) {
            input = u.path("prompt_tokens").asLong(0) - cached - write;
        } else if (u.has("cache_read_input_tokens") || u.has("cache_creation_input_tokens")) {
            input = u.path("input_tokens").asLong(0);
        } else {
            input = u.path("input_tokens").asLong(0) - cached - write;
        }
        if (!u.has("prompt_tokens") && !u.has("input_tokens") && !u.has("completion_tokens") && !u.has("output_tokens")) {
            return Optional.empty();
        }
        JsonNode cost = u.path("cost").isNumber() ? u.path("cost") : u.at("/cost_details/total_cost");
        Optional<BigDecimal> usd = cost.isNumber() && cost.decimalValue().signum() > 0 ? Optional.of(cost.decimalValue())
                : Optional.empty();
        return Optional.of(new Usage(Math.max(0, input), output, cached, write, usd));
    }

    private static long first(JsonNode u, String a, String b) {
        return u.has(a) ? u.path(a).asLong(0) : u.path(b).asLong(0);
    }
}
