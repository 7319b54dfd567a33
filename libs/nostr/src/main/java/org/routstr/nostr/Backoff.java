package org.routstr.nostr;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential reconnect delay with jitter: {@code initial · 2^attempt}, capped at {@code max}, then spread by ±{@code jitter}
 * so many nodes that lost the same relay do not return at the same instant. Routstr's defaults: 5 s to 900 s, ±20 %.
 */
public record Backoff(Duration initial, Duration max, double jitter) {
    public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(900), 0.2);

    public Backoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0 || jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max and 0 <= jitter < 1");
        }
    }

    /** The delay before reconnect attempt {@code attempt} (0 = first retry). */
    public Duration delay(int attempt) {
        double base = Math.min(max.toMillis(), initial.toMillis() * Math.pow(2, Math.min(attempt, 40)));
        double spread = 1 + (ThreadLocalRandom.current().nextDouble() * 2 - 1) * jitter;
        return Duration.ofMillis(Math.max(1, Math.round(base * spread)));
    }
}
