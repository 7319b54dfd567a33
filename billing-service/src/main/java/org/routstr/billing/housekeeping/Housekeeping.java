package org.routstr.billing.housekeeping;

import java.lang.System.Logger.Level;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.routstr.common.db.Db;
import org.routstr.common.db.DbException;
import org.routstr.common.events.ControlEvent;
import org.routstr.common.kafka.ControlBus;

/**
 * Money housekeeping on a timer: spending-limit windows that have passed start again, keys past {@code expires_at}
 * are marked expired (the wallet-service refunds them), and processed-event records older than the retention go. Each statement takes its rows with {@code FOR UPDATE SKIP LOCKED}
 * and is idempotent, so several replicas may run it at once.
 */
public final class Housekeeping implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Housekeeping.class.getName());
    private static final int BATCH = 1000;
    private static final String PERIOD = "CASE limit_reset WHEN 'daily' THEN 'day' WHEN 'weekly' THEN 'week' ELSE 'month' END";
    private final DataSource ds;
    private final ControlBus bus;
    private final Duration interval;
    private final Duration retention;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("billing-housekeeping").daemon().factory());

    public Housekeeping(DataSource ds, ControlBus bus, Duration interval, Duration retention) {
        this.ds = ds;
        this.bus = bus;
        this.interval = interval;
        this.retention = retention;
    }

    /** Runs the jobs every {@code interval} with up to 10 % jitter. */
    public Housekeeping start() {
        long ms = interval.toMillis();
        timer.scheduleWithFixedDelay(this::runSafely, ThreadLocalRandom.current().nextLong(ms / 10 + 1), ms,
                                     TimeUnit.MILLISECONDS);
        return this;
    }

    /** Starts a new window for every key whose daily, weekly (ISO week) or monthly window has passed; returns how many. */
    public int resetLimits() {
        int total = 0;
        int n;
        do {
            n = Db.withConnection(ds, c -> {
                try (PreparedStatement ps = c.prepareStatement("""
                        UPDATE accounts SET window_spent_msat = 0, window_start = date_trunc(%1$s, now())
                         WHERE key_hash IN (SELECT key_hash FROM accounts
                                             WHERE limit_reset IS NOT NULL AND date_trunc(%1$s, now()) > window_start
                                             LIMIT ? FOR UPDATE SKIP LOCKED)
                           AND date_trunc(%1$s, now()) > window_start""".formatted(PERIOD))) {
                    ps.setInt(1, BATCH);
                    return ps.executeUpdate();
                }
            });
            total += n;
        } while (n == BATCH);
        return total;
    }

    /** Marks active keys whose {@code expires_at} passed as expired and announces each; returns their hashes. */
    public List<String> expireKeys() {
        List<String> all = new ArrayList<>();
        List<String> batch;
        do {
            batch = Db.withConnection(ds, c -> {
                try (PreparedStatement ps = c.prepareStatement("""
                        UPDATE accounts SET status = 'expired'
                         WHERE key_hash IN (SELECT key_hash FROM accounts WHERE status = 'active' AND expires_at <= now()
                                             LIMIT ? FOR UPDATE SKIP LOCKED)
                           AND status = 'active'
                        RETURNING key_hash""")) {
                    ps.setInt(1, BATCH);
                    List<String> hashes = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            hashes.add(rs.getString(1));
                        }
                    }
                    return hashes;
                }
            });
            // after the commit: a receiver re-reads the row, so it must already say 'expired'
            batch.forEach(h -> bus.publish(ControlEvent.of("key.changed", h, Map.of("status", "expired"))));
            all.addAll(batch);
        } while (batch.size() == BATCH);
        return all;
    }

    /**
     * Deletes processed-event records older than the retention; returns how many. A duplicate that old can no longer be
     * detected, but it cannot charge either: its reservation is settled or released for good.
     */
    public int pruneProcessed() {
        return prune("""
                DELETE FROM billing_processed_events
                 WHERE request_id IN (SELECT request_id FROM billing_processed_events
                                       WHERE processed_at < now() - make_interval(secs => ?)
                                       LIMIT ? FOR UPDATE SKIP LOCKED)""");
    }

    /** Deletes per-request usage rows (the Sessions tab's recent requests) older than the same retention; returns how many. */
    public int pruneRequestUsage() {
        return prune("""
                DELETE FROM billing_request_usage
                 WHERE request_id IN (SELECT request_id FROM billing_request_usage
                                       WHERE at < now() - make_interval(secs => ?)
                                       LIMIT ? FOR UPDATE SKIP LOCKED)""");
    }

    private int prune(String sql) {
        int total = 0;
        int n;
        do {
            n = Db.withConnection(ds, c -> {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setDouble(1, retention.toSeconds());
                    ps.setInt(2, BATCH);
                    return ps.executeUpdate();
                }
            });
            total += n;
        } while (n == BATCH);
        return total;
    }

    private void runSafely() {
        try {
            int reset = resetLimits();
            List<String> expired = expireKeys();
            int pruned = pruneProcessed() + pruneRequestUsage();
            if (reset > 0 || !expired.isEmpty() || pruned > 0) {
                LOG.log(Level.INFO, "housekeeping: " + reset + " limit windows reset, " + expired.size() + " keys expired, "
                                    + pruned + " old processed events and request usage rows pruned");
            }
        } catch (DbException e) {
            LOG.log(Level.WARNING, "housekeeping failed, retrying next run: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
