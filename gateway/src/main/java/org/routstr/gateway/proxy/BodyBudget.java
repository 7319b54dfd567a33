package org.routstr.gateway.proxy;

import java.util.concurrent.Semaphore;

import org.routstr.common.http.ApiException;

/**
 * Bounds the request bytes the gateway buffers at once ({@code gateway.max-buffered-body-bytes}): a JSON body is held about
 * three times while it is served (the bytes, the parsed tree, the bytes rewritten for the upstream), so a handful of
 * maximum-size bodies at once would exhaust a small heap and the OutOfMemoryError would take every request in flight with
 * it. A body larger than {@link #SMALL} takes its size (its Content-Length, or the limit when it has none) from the budget
 * before it is read and gives it back when its request ends; when the budget is spent the request gets 429 with
 * Retry-After instead. Small bodies do not count.
 */
final class BodyBudget {
    static final long SMALL = 256 * 1024;
    private static final int UNIT = 1024;
    private final Semaphore permits;
    private final long budget;

    BodyBudget(long bytes) {
        if (bytes < SMALL) {
            throw new IllegalArgumentException("gateway.max-buffered-body-bytes must be at least " + SMALL);
        }
        this.budget = bytes;
        this.permits = new Semaphore((int) Math.min(Integer.MAX_VALUE, bytes / UNIT));
    }

    /** What a request holds until it ends. */
    interface Lease extends AutoCloseable {
        @Override
        void close();
    }

    /** Takes {@code bytes} for one body (at most the whole budget), or refuses with 429. */
    Lease take(long bytes) {
        if (bytes <= SMALL) {
            return () -> { };
        }
        int n = (int) Math.min(budget / UNIT, bytes / UNIT + 1);
        if (!permits.tryAcquire(n)) {
            throw busy();
        }
        int held = n;
        return () -> permits.release(held);
    }

    static ApiException busy() {
        return new ApiException(429, "rate_limit_error", "too_many_large_requests",
                                "Too many large requests are being received at once; retry shortly.");
    }
}
