package org.routstr.billing;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import javax.sql.DataSource;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.DistributionStatisticsConfig;
import io.helidon.metrics.api.DistributionSummary;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Timer;

import org.routstr.billing.consume.UsageConsumer.Batch;
import org.routstr.common.db.Db;
import org.routstr.common.events.UsageEvent;
import org.routstr.common.metrics.Meters;
import org.routstr.common.metrics.Sampled;

/**
 * Prometheus meters for settlement: events settled, duplicates and unknown reservations skipped, overruns charged as
 * their reservation (and the msat written off), batch sizes, the lag from the gateway's event time to the settlement
 * commit; and the orphan books (charged by the sweep, reconciled by a late event) from {@code billing_orphans}, which
 * count for every replica and survive restarts.
 */
final class SettlementMetrics implements Consumer<Batch> {
    private final Counter settled = Meters.counter("billing_settled_events", "Usage events settled");
    private final Counter duplicates = Meters.counter("billing_duplicate_events", "Usage events already settled (skipped)");
    private final Counter unknown = Meters.counter("billing_unknown_reservations", "Usage events of no known reservation");
    private final Counter overruns = Meters.counter("billing_overrun_events", "Events whose cost exceeded the reservation");
    private final Counter overrunMsat = Meters.counter("billing_overrun_unpaid_msat", "msat above reservations, not charged");
    private final Counter batches = Meters.counter("billing_batches", "Settlement batches committed");
    private final DistributionSummary batchSize = Metrics.getOrCreate(DistributionSummary.builder("billing_batch_events")
            .description("Events per committed settlement batch")
            .distributionStatisticsConfig(DistributionStatisticsConfig.builder().buckets(1, 2, 5, 10, 25, 50, 100, 250, 500)));
    private final Timer lag = Meters.timer("billing_settlement_lag", "From the gateway's event time to its settlement commit");

    /** The database the orphan gauges read: the one global registry keeps the first gauges, a later service takes them over. */
    private static volatile DataSource books;
    private static final Sampled<long[]> ORPHANS = new Sampled<>(() -> books == null ? new long[4] : orphans(books), new long[4], 1000);

    static {
        Meters.gauge("billing_orphans_charged", "Orphaned reservations the sweep charged", () -> ORPHANS.get()[0]);
        Meters.gauge("billing_orphans_charged_msat", "msat the sweep charged for orphans", () -> ORPHANS.get()[1]);
        Meters.gauge("billing_orphans_reconciled", "Orphans whose usage event came later", () -> ORPHANS.get()[2]);
        Meters.gauge("billing_orphans_refunded_msat", "msat given back when a late event cost less than the orphan charge",
                     () -> ORPHANS.get()[3]);
    }

    static SettlementMetrics create(DataSource ds) {
        books = ds;
        return new SettlementMetrics();
    }

    @Override
    public void accept(Batch b) {
        settled.increment(b.settled());
        duplicates.increment(b.duplicates());
        unknown.increment(b.unknown());
        overruns.increment(b.overruns());
        overrunMsat.increment(b.overrunMsat());
        batches.increment();
        batchSize.record(b.events().size());
        for (UsageEvent e : b.events()) {
            if (e.at() != null) {
                lag.record(Math.max(0, b.committedAtMillis() - e.at().toEpochMilli()), TimeUnit.MILLISECONDS);
            }
        }
    }

    private static long[] orphans(DataSource ds) {
        return Db.withConnection(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT count(*), coalesce(sum(charged_msat), 0), count(reconciled_at),
                           coalesce(sum(charged_msat - least(greatest(reconciled_cost, 0), charged_msat))
                                    FILTER (WHERE reconciled_at IS NOT NULL), 0)
                      FROM billing_orphans""");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)};
            }
        });
    }
}
