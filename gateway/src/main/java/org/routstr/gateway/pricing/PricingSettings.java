package org.routstr.gateway.pricing;

import java.math.BigDecimal;

import io.helidon.config.Config;

/**
 * {@code gateway.pricing}: exchange fee, default upstream fee (a provider's own fee wins), optional fixed price per
 * request in sats, and the completion budget reserved when neither the request nor the model gives one.
 */
public record PricingSettings(BigDecimal exchangeFee, BigDecimal upstreamFee, long fixedSatsPerRequest, int defaultMaxTokens) {
    public PricingSettings {
        if (exchangeFee.signum() <= 0 || upstreamFee.signum() <= 0) {
            throw new IllegalArgumentException("gateway.pricing fees must be positive");
        }
        if (fixedSatsPerRequest < 0 || defaultMaxTokens <= 0) {
            throw new IllegalArgumentException("gateway.pricing.fixed-sats-per-request >= 0 and default-max-tokens > 0");
        }
    }

    /** Reads the node (defaults: 1.005, 1.10, 0 = token pricing, 4096). */
    public static PricingSettings from(Config c) {
        return new PricingSettings(new BigDecimal(c.get("exchange-fee").asString().orElse("1.005")),
                                   new BigDecimal(c.get("upstream-fee").asString().orElse("1.10")),
                                   c.get("fixed-sats-per-request").asLong().orElse(0L),
                                   c.get("default-max-tokens").asInt().orElse(4096));
    }
}
