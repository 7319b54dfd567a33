package org.routstr.gateway.catalog;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * An upstream as the gateway uses it: {@code baseUrl} includes the API version (for example {@code https://api.x.com/v1}),
 * the decrypted key lives only in memory and is left out of {@link #toString()}; {@code api} is {@value #OPENAI} or
 * {@value #ANTHROPIC} (the Messages API).
 */
public record Provider(long id, String slug, String baseUrl, Optional<String> apiKey, Optional<BigDecimal> fee, int priority,
                       String api) {
    public static final String OPENAI = "openai";
    public static final String ANTHROPIC = "anthropic";

    /** An OpenAI-compatible provider. */
    public Provider(long id, String slug, String baseUrl, Optional<String> apiKey, Optional<BigDecimal> fee, int priority) {
        this(id, slug, baseUrl, apiKey, fee, priority, OPENAI);
    }

    /** Whether it speaks the Anthropic Messages API natively. */
    public boolean anthropic() {
        return ANTHROPIC.equals(api);
    }

    @Override
    public String toString() {
        return "Provider[" + slug + " " + baseUrl + "]";
    }
}
