package org.routstr.billing.orphan;

import java.lang.System.Logger.Level;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.routstr.common.db.Db;
import org.routstr.common.db.DbException;

/**
 * Settles orphaned reservations: {@code active} with no heartbeat for {@code orphan-after}, so the gateway holding them
 * died. The rule (SQL {@code billing_sweep_orphan}, migration V4): charge the full reservation, the most the client agreed
 * to pay for a request that reached the upstream; a usage event arriving later gives back what the real cost was below it.
 * Live streams keep heartbeating, so they are never swept. Each orphan is its own short transaction and rows another
 * replica holds are skipped.
 */
public final class OrphanSweeper implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(OrphanSweeper.class.getName());
    private static final int BATCH = 500;
    private final DataSource ds;
    private final Duration orphanAfter;
    private final Duration interval;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("orphan-sweeper").daemon().factory());

    public OrphanSweeper(DataSource ds, Duration orphanAfter, Duration interval) {
        this.ds = ds;
        this.orphanAfter = orphanAfter;
        this.interval = interval;
    }

    /** Sweeps every {@code interval} (the first after a random part of it, so replicas do not sweep in step). */
    public OrphanSweeper start() {
        long ms = interval.toMillis();
        timer.scheduleWithFixedDelay(this::sweepSafely, ThreadLocalRandom.current().nextLong(ms / 2, ms + 1), ms,
                                     TimeUnit.MILLISECONDS);
        return this;
    }

    /** Sweeps the current orphans; returns how many this call settled. */
    public int sweep() {
        int swept = 0;
        List<UUID> candidates;
        do {
            candidates = candidates();
            for (UUID id : candidates) {
                Long charged = Db.withConnection(ds, c -> {
                    try (PreparedStatement ps = c.prepareStatement("SELECT billing_sweep_orphan(?, make_interval(secs => ?))")) {
                        ps.setObject(1, id);
                        ps.setDouble(2, orphanAfter.toMillis() / 1000.0);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            long v = rs.getLong(1);
                            return rs.wasNull() ? null : v;
                        }
                    }
                });
                if (charged != null) {
                    swept++;
                    LOG.log(Level.WARNING, "orphaned reservation " + id + " settled at its reserved " + charged + " msat");
                }
            }
        } while (candidates.size() == BATCH);
        return swept;
    }

    private List<UUID> candidates() {
        return Db.withConnection(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT id FROM reservations WHERE status = 'active' AND heartbeat_at < now() - make_interval(secs => ?)
                     ORDER BY heartbeat_at LIMIT ?""")) {
                ps.setDouble(1, orphanAfter.toMillis() / 1000.0);
                ps.setInt(2, BATCH);
                List<UUID> ids = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getObject(1, UUID.class));
                    }
                }
                return ids;
            }
        });
    }

    private void sweepSafely() {
        try {
            sweep();
        } catch (DbException e) {
            // the next run tries again; an unsettled orphan only keeps money reserved a little longer
            LOG.log(Level.WARNING, "orphan sweep failed: " + e.getMessage());
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
