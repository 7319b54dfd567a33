package org.routstr.gateway.pricing;

import java.math.BigDecimal;

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
