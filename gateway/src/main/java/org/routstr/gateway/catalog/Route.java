package org.routstr.gateway.catalog;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One way to serve a public model id: the provider, the id to send upstream, prices and limits, and what /v1/models says
 * about it ({@code architecture} is a JSON object as text).
 */
public record Route(String modelId,
                    String upstreamId,
                    List<String> aliases,
                    Provider provider,
                    ModelPrices prices,
                    OptionalInt contextLength,
                    OptionalInt maxCompletionTokens,
                    Optional<String> description,
                    Optional<String> architecture) {
    /** A route without description or architecture. */
    public Route(String modelId, String upstreamId, List<String> aliases, Provider provider, ModelPrices prices,
                 OptionalInt contextLength, OptionalInt maxCompletionTokens) {
        this(modelId, upstreamId, aliases, provider, prices, contextLength, maxCompletionTokens, Optional.empty(), Optional.empty());
    }
}
