package org.routstr.billing;

import java.util.function.Consumer;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.DistributionSummary;
import io.helidon.metrics.api.Metrics;

import org.routstr.billing.consume.UsageConsumer.Batch;
import org.routstr.common.events.UsageEvent;

/**
 * Prometheus meters for settlement: events settled, duplicates and unknown reservations skipped, overruns charged as
 * their reservation (and the msat written off), and the lag from the gateway's event time to the settlement commit.
 */
final class SettlementMetrics implements Consumer<Batch> {
    private final Counter settled = Metrics.getOrCreate(Counter.builder("billing_settled_events"));
    private final Counter duplicates = Metrics.getOrCreate(Counter.builder("billing_duplicate_events"));
    private final Counter unknown = Metrics.getOrCreate(Counter.builder("billing_unknown_reservations"));
    private final Counter overruns = Metrics.getOrCreate(Counter.builder("billing_overrun_events"));
    private final Counter overrunMsat = Metrics.getOrCreate(Counter.builder("billing_overrun_unpaid_msat"));
    private final DistributionSummary lag = Metrics.getOrCreate(DistributionSummary.builder("billing_settlement_lag_ms"));

    static SettlementMetrics create() {
        return new SettlementMetrics();
    }

    @Override
    public void accept(Batch b) {
        settled.increment(b.settled());
        duplicates.increment(b.duplicates());
        unknown.increment(b.unknown());
        overruns.increment(b.overruns());
        overrunMsat.increment(b.overrunMsat());
        for (UsageEvent e : b.events()) {
            if (e.at() != null) {
                lag.record(Math.max(0, b.committedAtMillis() - e.at().toEpochMilli()));
            }
        }
    }
}
