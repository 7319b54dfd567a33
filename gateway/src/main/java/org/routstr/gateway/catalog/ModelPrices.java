package org.routstr.gateway.catalog;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * A model's USD prices before fees: per 1M input/output tokens, and optionally per request, per image and per 1M cache
 * read/write tokens (cache prices fall back to the input price).
 */
public record ModelPrices(BigDecimal inputPerM,
                          BigDecimal outputPerM,
                          Optional<BigDecimal> perRequest,
                          Optional<BigDecimal> perImage,
                          Optional<BigDecimal> cacheReadPerM,
                          Optional<BigDecimal> cacheWritePerM) {
    /** Only token prices. */
    public static ModelPrices tokens(String inputPerM, String outputPerM) {
        return new ModelPrices(new BigDecimal(inputPerM), new BigDecimal(outputPerM), Optional.empty(), Optional.empty(),
                               Optional.empty(), Optional.empty());
    }
}
