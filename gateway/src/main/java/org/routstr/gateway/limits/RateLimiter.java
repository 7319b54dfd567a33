package org.routstr.gateway.limits;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

import org.routstr.common.http.ApiException;

/**
 * Fixed-window request counting per subject (a key hash or a client IP): over {@code limit} requests in a window gives a
 * 429 whose {@code Retry-After} is the rest of the window. A limit of 0 turns it off. Limit and window are read per request
 * (the live settings). In memory, per gateway replica, unless built with {@link SharedWindows}: then the window is one
 * for all replicas (PostgreSQL, leased in batches).
 */
public final class RateLimiter {
    private final IntSupplier limit;
    private final Supplier<Duration> window;
    private final String what;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final SharedWindows shared;

    public RateLimiter(int limit, Duration window, String what) {
        this(() -> limit, () -> window, what);
    }

    /** A limiter whose limit and window can change while it runs. */
    public RateLimiter(IntSupplier limit, Supplier<Duration> window, String what) {
        this(limit, window, what, null);
    }

    /** A limiter whose windows are shared by every gateway replica on the same database ({@code shared} null: local). */
    public RateLimiter(IntSupplier limit, Supplier<Duration> window, String what, SharedWindows shared) {
        this.limit = limit;
        this.window = window;
        this.what = what;
        this.shared = shared;
    }

    /** Counts a request; throws {@link RateLimited} when the subject is over its limit. */
    public void check(String subject) {
        int limit = this.limit.getAsInt();
        if (limit <= 0) {
            return;
        }
        if (shared != null) {
            long wait = shared.acquire(what + ":" + subject, limit, window.get());
            if (wait > 0) {
                throw new RateLimited(Math.max(1, (wait + 999_999_999) / 1_000_000_000), what);
            }
            return;
        }
        long windowNanos = window.get().toNanos();
        long now = System.nanoTime();
        Window w = windows.compute(subject, (k, old) -> old == null || now - old.start >= windowNanos
                ? new Window(now, 1) : new Window(old.start, old.count + 1));
        if (w.count > limit) {
            long retry = Math.max(1, (w.start + windowNanos - now + 999_999_999) / 1_000_000_000);
            throw new RateLimited(retry, what);
        }
        if (windows.size() > 100_000) {
            windows.entrySet().removeIf(e -> now - e.getValue().start >= windowNanos);
        }
    }

    private record Window(long start, int count) {
    }

    /** A 429 carrying the seconds to wait. */
    public static final class RateLimited extends ApiException {
        private final long retryAfterSeconds;

        RateLimited(long retryAfterSeconds, String what) {
            super(429, "rate_limit_exceeded", "rate_limit_exceeded",
                  "Too many requests for this " + what + "; retry after " + retryAfterSeconds + " s.");
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }
}
