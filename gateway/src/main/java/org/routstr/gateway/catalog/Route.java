package org.routstr.gateway.catalog;

import java.util.List;
import java.util.OptionalInt;

/**
 * One way to serve a public model id: the provider, the id to send upstream, prices and limits.
 */
public record Route(String modelId,
                    String upstreamId,
                    List<String> aliases,
                    Provider provider,
                    ModelPrices prices,
                    OptionalInt contextLength,
                    OptionalInt maxCompletionTokens) {
}
