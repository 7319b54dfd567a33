package org.routstr.gateway.catalog;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

import io.helidon.config.Config;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.routstr.common.json.Json;

/**
 * A provider and its models from {@code gateway.providers[...]}, upserted at start-up so a node runs without the admin UI.
 */
public record ProviderSeed(String slug, String baseUrl, Optional<String> apiKey, Optional<BigDecimal> fee, int priority,
                           boolean enabled, List<ModelSeed> models, String api) {
    public ProviderSeed {
        Objects.requireNonNull(slug, "slug");
        if (!baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
            throw new IllegalArgumentException("gateway.providers[" + slug + "].base-url must be an http(s) URL");
        }
        models = List.copyOf(models);
        if (!api.equals(Provider.OPENAI) && !api.equals(Provider.ANTHROPIC)) {
            throw new IllegalArgumentException("gateway.providers[" + slug + "].api must be openai or anthropic");
        }
    }

    /** Reads one {@code gateway.providers[i]} node. */
    public static ProviderSeed from(Config c) {
        String slug = c.get("slug").asString().get();
        return new ProviderSeed(slug, c.get("base-url").asString().get(), c.get("api-key").asString().filter(s -> !s.isBlank()),
                                c.get("fee").asString().map(BigDecimal::new), c.get("priority").asInt().orElse(0),
                                c.get("enabled").asBoolean().orElse(true),
                                c.get("models").asNodeList().orElse(List.of()).stream().map(ModelSeed::from).toList(),
                                c.get("api").asString().orElse(Provider.OPENAI));
    }

    /** A model of a seeded provider. */
    public record ModelSeed(String id, String upstreamId, List<String> aliases, boolean enabled, ModelPrices prices,
                            OptionalInt contextLength, OptionalInt maxCompletionTokens, Optional<String> description,
                            Optional<String> architecture) {
        static ModelSeed from(Config c) {
            String id = c.get("id").asString().get();
            ModelPrices p = new ModelPrices(dec(c, "input-usd-per-m").orElse(BigDecimal.ZERO), dec(c, "output-usd-per-m").orElse(BigDecimal.ZERO),
                                            dec(c, "request-usd"), dec(c, "image-usd"), dec(c, "cache-read-usd-per-m"),
                                            dec(c, "cache-write-usd-per-m"));
            return new ModelSeed(id, c.get("upstream-id").asString().orElse(id), c.get("aliases").asList(String.class).orElse(List.of()),
                                 c.get("enabled").asBoolean().orElse(true), p, intOf(c, "context-length"),
                                 intOf(c, "max-completion-tokens"), c.get("description").asString().asOptional(),
                                 architecture(c.get("architecture")));
        }

        /** {@code architecture.modality}, {@code input-modalities}, {@code output-modalities}, {@code tokenizer} as JSON. */
        private static Optional<String> architecture(Config a) {
            if (!a.exists()) {
                return Optional.empty();
            }
            ObjectNode o = Json.object();
            o.put("modality", a.get("modality").asString().orElse("text->text"));
            o.set("input_modalities", Json.mapper().valueToTree(
                    a.get("input-modalities").asList(String.class).orElse(List.of("text"))));
            o.set("output_modalities", Json.mapper().valueToTree(
                    a.get("output-modalities").asList(String.class).orElse(List.of("text"))));
            o.put("tokenizer", a.get("tokenizer").asString().orElse("Other"));
            o.putNull("instruct_type");
            return Optional.of(Json.string(o));
        }

        private static Optional<BigDecimal> dec(Config c, String key) {
            return c.get(key).asString().map(BigDecimal::new);
        }

        private static OptionalInt intOf(Config c, String key) {
            return c.get(key).asInt().map(OptionalInt::of).orElse(OptionalInt.empty());
        }
    }
}
