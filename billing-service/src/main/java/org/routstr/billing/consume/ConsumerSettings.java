package org.routstr.billing.consume;

import java.time.Duration;
import java.util.Objects;

/**
 * How the settlement consumer reads {@code routstr.usage.v1}: its group, the largest batch it settles in one transaction,
 * how long one poll waits, and the back-off after a failed batch.
 */
public record ConsumerSettings(String group, String topic, int batchSize, Duration pollTimeout, Duration retryBackoff) {
    public ConsumerSettings {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(topic, "topic");
        if (group.isBlank() || topic.isBlank()) {
            throw new IllegalArgumentException("billing.consumer group and topic must not be blank");
        }
        if (batchSize < 1 || batchSize > 50_000) {
            throw new IllegalArgumentException("billing.consumer.batch-size must be 1..50000, was " + batchSize);
        }
        if (pollTimeout.isNegative() || pollTimeout.isZero() || retryBackoff.isNegative()) {
            throw new IllegalArgumentException("billing.consumer poll-timeout must be positive, retry-backoff not negative");
        }
    }
}
