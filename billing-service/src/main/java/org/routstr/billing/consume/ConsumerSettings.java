package org.routstr.billing.consume;

import java.time.Duration;
import java.util.Objects;

/**
 * How the settlement consumer reads {@code routstr.usage.v1}: its group, the most records one poll returns, how many
 * transactions (each on its own partitions) apply a poll at once,
 * how long one poll waits, the back-off after a failed batch, and how soon the group gives a dead replica's partitions to
 * the others (the broker's minimum is 6 s), and an optional static member id ({@code group.instance.id}): a replica that
 * restarts under the same id takes its partitions back at once, instead of waiting out the session of its killed self.
 */
public record ConsumerSettings(String group, String topic, int batchSize, int parallelism, Duration pollTimeout,
                               Duration retryBackoff, Duration sessionTimeout, java.util.Optional<String> instanceId) {
    /** Dynamic membership. */
    public ConsumerSettings(String group, String topic, int batchSize, int parallelism, Duration pollTimeout,
                            Duration retryBackoff, Duration sessionTimeout) {
        this(group, topic, batchSize, parallelism, pollTimeout, retryBackoff, sessionTimeout, java.util.Optional.empty());
    }

    /** Settings with one settlement transaction at a time and the default 10 s session timeout. */
    public ConsumerSettings(String group, String topic, int batchSize, Duration pollTimeout, Duration retryBackoff) {
        this(group, topic, batchSize, 1, pollTimeout, retryBackoff, Duration.ofSeconds(10));
    }

    public ConsumerSettings {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(instanceId, "instanceId");
        if (group.isBlank() || topic.isBlank()) {
            throw new IllegalArgumentException("billing.consumer group and topic must not be blank");
        }
        if (batchSize < 1 || batchSize > 50_000) {
            throw new IllegalArgumentException("billing.consumer.batch-size must be 1..50000, was " + batchSize);
        }
        if (pollTimeout.isNegative() || pollTimeout.isZero() || retryBackoff.isNegative()) {
            throw new IllegalArgumentException("billing.consumer poll-timeout must be positive, retry-backoff not negative");
        }
        if (parallelism < 1 || parallelism > 16) {
            throw new IllegalArgumentException("billing.consumer.parallelism must be 1..16, was " + parallelism);
        }
        if (sessionTimeout.compareTo(Duration.ofSeconds(6)) < 0) {
            throw new IllegalArgumentException("billing.consumer.session-timeout must be at least 6 s");
        }
    }
}
