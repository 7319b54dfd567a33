package org.routstr.common.metrics;

import java.lang.System.Logger.Level;
import java.util.function.Supplier;

/**
 * A figure that costs a query (balances, outbox depth), taken at most once per {@code ttlMillis} however many gauges and
 * scrapes read it (in the node every service's socket serves the one registry). A failing query keeps the last value.
 */
public final class Sampled<T> implements Supplier<T> {
    private static final System.Logger LOG = System.getLogger(Sampled.class.getName());
    private final Supplier<T> query;
    private final long ttlNanos;
    private volatile T value;
    private volatile long takenAt;

    public Sampled(Supplier<T> query, T initial, long ttlMillis) {
        this.query = query;
        this.value = initial;
        this.ttlNanos = ttlMillis * 1_000_000L;
        this.takenAt = System.nanoTime() - ttlNanos - 1;
    }

    @Override
    public synchronized T get() {
        long now = System.nanoTime();
        if (now - takenAt > ttlNanos) {
            try {
                value = query.get();
            } catch (RuntimeException e) {
                // a database blip must not fail the scrape: the gauge keeps its last value
                LOG.log(Level.WARNING, "metrics sample failed: " + e.getMessage());
            }
            takenAt = now;
        }
        return value;
    }
}
