package org.routstr.common.kafka;

import java.util.Objects;

import io.helidon.config.Config;

/**
 * How to reach Kafka; the {@code kafka} node of a service's configuration.
 */
public record KafkaSettings(String bootstrapServers, String clientId) {
    public KafkaSettings {
        Objects.requireNonNull(bootstrapServers, "kafka.bootstrap-servers");
        if (bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("kafka.bootstrap-servers must not be blank");
        }
    }

    /** Reads {@code bootstrap-servers} and {@code client-id}. */
    public static KafkaSettings from(Config kafka, String defaultClientId) {
        return new KafkaSettings(kafka.get("bootstrap-servers").asString().get(),
                                 kafka.get("client-id").asString().orElse(defaultClientId));
    }
}
