package org.routstr.gateway.pricing;

import java.math.BigDecimal;

import io.helidon.config.Config;

import org.routstr.common.settings.OperatorSettings;
import org.routstr.common.settings.SettingField;
import org.routstr.common.settings.SettingsSeed;

/**
 * Pricing from the live settings: exchange fee, default upstream fee (a provider's own fee wins), optional fixed price per
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

    /** The pricing part of the live operator settings. */
    public static PricingSettings of(OperatorSettings s) {
        return new PricingSettings(s.exchangeFee(), s.upstreamFee(), s.fixedSatsPerRequest(), s.defaultMaxTokens());
    }

    /** Adds the first-start seeds {@code gateway.pricing} gives (the stored settings win afterwards). */
    public static SettingsSeed seed(SettingsSeed seed, Config c) {
        seed.text(SettingField.EXCHANGE_FEE, c.get("exchange-fee")).text(SettingField.UPSTREAM_FEE, c.get("upstream-fee"))
                .number(SettingField.DEFAULT_MAX_TOKENS, c.get("default-max-tokens"));
        c.get("fixed-sats-per-request").asLong().filter(n -> n > 0).ifPresent(n -> seed
                .value(SettingField.FIXED_PRICING, com.fasterxml.jackson.databind.node.BooleanNode.TRUE)
                .value(SettingField.FIXED_COST_SATS, com.fasterxml.jackson.databind.node.LongNode.valueOf(n)));
        return seed;
    }
}
