package org.routstr.gateway.catalog;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * An upstream as the gateway uses it: {@code baseUrl} includes the API version (for example {@code https://api.x.com/v1}),
 * the decrypted key lives only in memory and is left out of {@link #toString()}.
 */
public record Provider(long id, String slug, String baseUrl, Optional<String> apiKey, Optional<BigDecimal> fee, int priority) {
    @Override
    public String toString() {
        return "Provider[" + slug + " " + baseUrl + "]";
    }
}
