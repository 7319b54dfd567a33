package org.routstr.gateway.pricing;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.helidon.config.Config;

/**
 * {@code gateway.pricing} options beyond the live settings: {@code upstream-cost} (price from the USD cost an upstream
 * reports in {@code usage.cost}, as OpenRouter does, times the fees; off by default) and {@code speech-usd-per-m-chars}
 * (text-to-speech models priced per input character, USD per 1M characters, by public model id).
 */
public record PricingOptions(boolean upstreamCost, Map<String, BigDecimal> speechUsdPerMChars) {
    public static final PricingOptions NONE = new PricingOptions(false, Map.of());

    public PricingOptions {
        speechUsdPerMChars = Map.copyOf(speechUsdPerMChars);
        if (speechUsdPerMChars.values().stream().anyMatch(p -> p.signum() < 0)) {
            throw new IllegalArgumentException("gateway.pricing.speech-usd-per-m-chars must not be negative");
        }
    }

    /** Reads {@code gateway.pricing}. */
    public static PricingOptions from(Config pricing) {
        Map<String, BigDecimal> speech = new TreeMap<>();
        pricing.get("speech-usd-per-m-chars").asNodeList().orElse(java.util.List.of()).forEach(n -> speech.put(
                n.get("model").asString().orElseThrow(() -> new IllegalArgumentException(
                        "gateway.pricing.speech-usd-per-m-chars entries need model and usd")),
                new BigDecimal(n.get("usd").asString().orElse("0"))));
        return new PricingOptions(pricing.get("upstream-cost").asBoolean().orElse(false), speech);
    }

    /** The per-character price of a speech model, if configured. */
    public Optional<BigDecimal> speech(String modelId) {
        return Optional.ofNullable(speechUsdPerMChars.get(modelId));
    }
}
