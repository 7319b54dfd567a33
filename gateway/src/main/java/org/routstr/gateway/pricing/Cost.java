package org.routstr.gateway.pricing;

import java.math.BigDecimal;
import java.math.RoundingMode;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.routstr.common.json.Json;

/**
 * The metered cost of one request in msat, by component; {@code pricing} says how it was found (see UsageEvent).
 */
public record Cost(long baseMsat, long inputMsat, long outputMsat, long cacheReadMsat, long cacheWriteMsat, Usage usage,
                   String pricing, BigDecimal totalUsd) {
    public long totalMsat() {
        return baseMsat + inputMsat + outputMsat + cacheReadMsat + cacheWriteMsat;
    }

    /**
     * This cost lowered to at most {@code maxMsat} (the reservation), output first, then input, cache write, cache read and
     * the per-request part; the USD figure scales with it.
     */
    public Cost cappedAt(long maxMsat) {
        long total = totalMsat();
        if (total <= maxMsat) {
            return this;
        }
        long[] parts = {outputMsat, inputMsat, cacheWriteMsat, cacheReadMsat, baseMsat};
        long excess = total - Math.max(0, maxMsat);
        for (int i = 0; i < parts.length && excess > 0; i++) {
            long cut = Math.min(parts[i], excess);
            parts[i] -= cut;
            excess -= cut;
        }
        BigDecimal usd = totalUsd.multiply(BigDecimal.valueOf(Math.max(0, maxMsat)))
                .divide(BigDecimal.valueOf(total), 8, RoundingMode.HALF_UP);
        return new Cost(parts[4], parts[1], parts[0], parts[3], parts[2], usage, pricing, usd);
    }

    /** The reference's {@code usage.cost} object. */
    public ObjectNode json() {
        ObjectNode c = Json.object();
        c.put("base_msats", baseMsat);
        c.put("input_msats", inputMsat);
        c.put("output_msats", outputMsat);
        c.put("total_msats", totalMsat());
        c.put("cache_read_input_tokens", usage.cached());
        c.put("cache_creation_input_tokens", usage.cacheWrite());
        c.put("cache_read_msats", cacheReadMsat);
        c.put("cache_creation_msats", cacheWriteMsat);
        c.put("total_usd", totalUsd);
        c.put("pricing", pricing);
        return c;
    }
}
