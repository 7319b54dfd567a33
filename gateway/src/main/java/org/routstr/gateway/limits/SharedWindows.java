package org.routstr.gateway.limits;

import java.lang.System.Logger.Level;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.routstr.common.db.Db;

/**
 * Rate-limit windows shared by every gateway replica through PostgreSQL ({@code rate_limit_take}). Each replica leases a
 * batch of a subject's window ({@code limit / 16}, at least 1, at most 64) and counts it down in memory, so the hot path
 * is an atomic decrement and the database sees one call per batch; all replicas together never pass the limit (a batch
 * a replica leased and did not use only makes the window end a little early for the others). A subject found exhausted
 * is refused from memory until its window ends. When the database cannot be reached the request is let through (limits
 * protect capacity, not money) and the next request asks again.
 */
public final class SharedWindows {
    private static final System.Logger LOG = System.getLogger(SharedWindows.class.getName());
    private static final int MAX_BATCH = 64;
    private static final int CLEANUP_EVERY = 1024;
    private final DataSource ds;
    private final Map<String, Lease> leases = new ConcurrentHashMap<>();
    private final AtomicLong takes = new AtomicLong();

    public SharedWindows(DataSource ds) {
        this.ds = ds;
    }

    /** Counts one request of {@code subject}; returns 0 when allowed, else the nanoseconds until its window ends. */
    public long acquire(String subject, int limit, Duration window) {
        long now = System.nanoTime();
        Lease lease = leases.get(subject);
        if (lease != null && now < lease.until) {
            if (lease.left.getAndDecrement() > 0) {
                return 0;
            }
            if (lease.exhausted) {
                return lease.until - now;
            }
        }
        synchronized (lock(subject)) {
            Lease again = leases.get(subject);
            if (again != null && again != lease && now < again.until) {
                if (again.left.getAndDecrement() > 0) {
                    return 0;
                }
                if (again.exhausted) {
                    return again.until - now;
                }
            }
            Lease fresh = take(subject, limit, window, now);
            if (fresh == null) {
                return 0;
            }
            leases.put(subject, fresh);
            if (leases.size() > 100_000) {
                leases.entrySet().removeIf(e -> now >= e.getValue().until);
            }
            return fresh.exhausted ? fresh.until - now : 0;
        }
    }

    private Lease take(String subject, int limit, Duration window, long now) {
        int want = Math.min(MAX_BATCH, Math.max(1, limit / 16));
        long windowMs = Math.max(1, window.toMillis());
        try {
            return Db.withConnection(ds, c -> {
                if (takes.incrementAndGet() % CLEANUP_EVERY == 0) {
                    try (PreparedStatement del = c.prepareStatement("DELETE FROM rate_limit_windows "
                            + "WHERE started_at + window_ms * INTERVAL '1 millisecond' < clock_timestamp()")) {
                        del.executeUpdate();
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT granted, remaining_ms FROM rate_limit_take(?, ?, ?, ?)")) {
                    ps.setString(1, subject);
                    ps.setInt(2, want);
                    ps.setInt(3, limit);
                    ps.setLong(4, windowMs);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        int granted = rs.getInt(1);
                        long until = now + rs.getLong(2) * 1_000_000L;
                        // this request uses one of the granted; none granted: exhausted until the window ends
                        return new Lease(new AtomicInteger(Math.max(0, granted - 1)), until, granted == 0);
                    }
                }
            });
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "shared rate limit unavailable, request let through: " + e.getMessage());
            return null;
        }
    }

    private static Object lock(String subject) {
        return LOCKS[(subject.hashCode() & 0x7fffffff) % LOCKS.length];
    }

    private static final Object[] LOCKS = new Object[64];

    static {
        for (int i = 0; i < LOCKS.length; i++) {
            LOCKS[i] = new Object();
        }
    }

    private record Lease(AtomicInteger left, long until, boolean exhausted) {
    }
}
