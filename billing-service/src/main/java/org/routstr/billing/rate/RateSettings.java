package org.routstr.billing.rate;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The BTC/USD rate configuration: sources, refresh window (a random delay between min and max), how far a quote may sit
 * from the median before it is ignored, how many agreeing quotes are needed, and an optional fixed rate. No sources and no
 * fixed rate: the stored rate is used as it is.
 */
public record RateSettings(List<RateSource> sources,
                           Optional<BigDecimal> fixedUsdPerBtc,
                           Duration refreshMin,
                           Duration refreshMax,
                           double maxDeviation,
                           int minSources,
                           Duration timeout) {
    public RateSettings {
        sources = List.copyOf(sources);
        fixedUsdPerBtc.ifPresent(r -> {
            if (r.signum() <= 0) {
                throw new IllegalArgumentException("billing.fixed-usd-per-btc must be positive");
            }
        });
        if (refreshMin.isNegative() || refreshMin.isZero() || refreshMax.compareTo(refreshMin) < 0) {
            throw new IllegalArgumentException("billing.rate refresh-min must be positive and refresh-max not below it");
        }
        if (maxDeviation <= 0 || maxDeviation >= 1) {
            throw new IllegalArgumentException("billing.rate.max-deviation must be in (0, 1)");
        }
        if (minSources < 1 || (!sources.isEmpty() && minSources > sources.size())) {
            throw new IllegalArgumentException("billing.rate.min-sources must be 1.." + sources.size());
        }
    }
}
