package org.routstr.billing.orphan;

import java.lang.System.Logger.Level;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import org.routstr.common.db.Db;
import org.routstr.common.db.DbException;
import org.routstr.common.kafka.KafkaSettings;

/**
 * Settles orphaned reservations: {@code active} with no heartbeat for {@code orphan-after}, so the gateway holding them
 * died. Only those whose heartbeat lapsed before a moment as of which billing has consumed the usage topic to its end
 * ({@link LogWatermark}): after a crash, billing's catch-up settles every reservation whose event made it to the topic, and
 * the sweep waits for it instead of charging them first. The rule for the truly orphaned (SQL
 * {@code billing_sweep_orphan_before}, migration V31): the account's typical real cost, at most the reservation; a usage
 * event arriving later gives back what the real cost was below it. Live streams keep heartbeating, so they are never
 * swept. Each orphan is its own short transaction and rows another replica holds are skipped.
 */
public final class OrphanSweeper implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(OrphanSweeper.class.getName());
    private static final int BATCH = 500;
    private final DataSource ds;
    private final Duration orphanAfter;
    private final Duration interval;
    private final Supplier<Optional<Timestamp>> caughtUpTo;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("orphan-sweeper").daemon().factory());

    /**
     * @param caughtUpTo the latest moment as of which every usage event published has been settled, if known yet
     */
    public OrphanSweeper(DataSource ds, Duration orphanAfter, Duration interval, Supplier<Optional<Timestamp>> caughtUpTo) {
        this.ds = ds;
        this.orphanAfter = orphanAfter;
        this.interval = interval;
        this.caughtUpTo = caughtUpTo;
    }

    /** The sweeper of a billing-service: it watches how far {@code group} has consumed the usage {@code topic}. */
    public static OrphanSweeper watching(DataSource ds, Duration orphanAfter, Duration interval, KafkaSettings kafka, String group,
                                        String topic) {
        java.util.Properties p = new java.util.Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, kafka.clientId() + "-orphan-sweep");
        LogWatermark mark = new LogWatermark(ds, Admin.create(p), group, topic);
        OrphanSweeper sweeper = new OrphanSweeper(ds, orphanAfter, interval, mark::caughtUpTo);
        sweeper.onClose = mark;
        return sweeper;
    }

    private AutoCloseable onClose = () -> { };

    /** Sweeps every {@code interval} (the first after a random part of it, so replicas do not sweep in step). */
    public OrphanSweeper start() {
        long ms = interval.toMillis();
        timer.scheduleWithFixedDelay(this::sweepSafely, ThreadLocalRandom.current().nextLong(ms / 2, ms + 1), ms,
                                     TimeUnit.MILLISECONDS);
        return this;
    }

    /** Sweeps the current orphans; returns how many this call settled. */
    public int sweep() {
        Optional<Timestamp> caught = caughtUpTo.get();
        if (caught.isEmpty()) {
            LOG.log(Level.INFO, "orphan sweep waits: billing has not yet consumed the usage topic to its end");
            return 0;
        }
        Timestamp cutoff = Timestamp.from(caught.get().toInstant().minus(orphanAfter));
        int swept = 0;
        List<UUID> candidates;
        do {
            candidates = candidates(cutoff);
            for (UUID id : candidates) {
                Long charged = Db.withConnection(ds, c -> {
                    try (PreparedStatement ps = c.prepareStatement("SELECT billing_sweep_orphan_before(?, ?)")) {
                        ps.setObject(1, id);
                        ps.setTimestamp(2, cutoff);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            long v = rs.getLong(1);
                            return rs.wasNull() ? null : v;
                        }
                    }
                });
                if (charged != null) {
                    swept++;
                    LOG.log(Level.WARNING, "orphaned reservation " + id + " settled at its account's typical " + charged + " msat");
                }
            }
        } while (candidates.size() == BATCH);
        return swept;
    }

    private List<UUID> candidates(Timestamp cutoff) {
        return Db.withConnection(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT id FROM reservations WHERE status = 'active' AND heartbeat_at < ?
                     ORDER BY heartbeat_at LIMIT ?""")) {
                ps.setTimestamp(1, cutoff);
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
        } catch (DbException | IllegalStateException e) {
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
        try {
            onClose.close();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "closing the orphan sweep's Kafka client: " + e.getMessage());
        }
    }
}
