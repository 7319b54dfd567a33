package org.routstr.billing.rate;

import java.lang.System.Logger.Level;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.routstr.common.db.DbException;
import org.routstr.common.events.ControlEvent;
import org.routstr.common.kafka.ControlBus;

/**
 * Keeps the {@code btc_rate} row current: asks every source at once, combines the answers ({@link RateCombiner}), stores
 * the result and announces it with a {@code btc.rate} control event; then waits a random 60–120 s. When no combination
 * is possible the stored rate stays, so prices keep working offline. A fixed rate, when configured, is stored once.
 */
public final class RateRefresher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RateRefresher.class.getName());
    private final RateSettings settings;
    private final RateRepository repository;
    private final ControlBus bus;
    private final RateClient client;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("btc-rate").daemon().factory());
    private final ExecutorService fetchers = Executors.newVirtualThreadPerTaskExecutor();

    public RateRefresher(DataSource ds, ControlBus bus, RateSettings settings) {
        this.settings = settings;
        this.repository = new RateRepository(ds);
        this.bus = bus;
        this.client = new RateClient(settings.timeout());
    }

    /** Stores the fixed rate, or starts refreshing now and then every 60–120 s. */
    public RateRefresher start() {
        if (settings.fixedUsdPerBtc().isPresent()) {
            publish(settings.fixedUsdPerBtc().get(), "fixed");
        } else if (settings.sources().isEmpty()) {
            LOG.log(Level.WARNING, "no billing.rate.sources and no billing.fixed-usd-per-btc: prices use the stored rate "
                                   + repository.latest().map(r -> r.usdPerBtc().toPlainString()).orElse("(none yet)"));
        } else {
            timer.execute(this::refreshAndReschedule);
        }
        return this;
    }

    /** Fetches, combines, stores and publishes once; empty when the sources did not agree (the stored rate stays). */
    public Optional<BigDecimal> refresh() {
        List<Future<Optional<BigDecimal>>> asks = new ArrayList<>();
        for (RateSource s : settings.sources()) {
            asks.add(fetchers.submit(() -> client.fetch(s)));
        }
        List<BigDecimal> quotes = new ArrayList<>();
        for (Future<Optional<BigDecimal>> f : asks) {
            try {
                f.get().ifPresent(quotes::add);
            } catch (ExecutionException e) {
                LOG.log(Level.WARNING, "rate source failed: " + e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        Optional<BigDecimal> rate = RateCombiner.combine(quotes, settings.maxDeviation(), settings.minSources());
        if (rate.isEmpty()) {
            LOG.log(Level.WARNING, "BTC rate not updated: " + quotes.size() + " quotes " + quotes + " do not agree; "
                                   + "keeping the stored rate " + repository.latest().map(r -> r.usdPerBtc().toPlainString())
                                           .orElse("(none)"));
            return Optional.empty();
        }
        publish(rate.get(), "median-min of " + quotes.size());
        return rate;
    }

    private void publish(BigDecimal rate, String source) {
        repository.save(rate, source);
        bus.publish(ControlEvent.of("btc.rate", "btc_usd", Map.of("usd_per_btc", rate.toPlainString(), "source", source)));
    }

    private void refreshAndReschedule() {
        try {
            refresh();
        } catch (DbException e) {
            LOG.log(Level.WARNING, "BTC rate not stored: " + e.getMessage());
        } finally {
            long min = settings.refreshMin().toMillis();
            long max = settings.refreshMax().toMillis();
            try {
                timer.schedule(this::refreshAndReschedule, ThreadLocalRandom.current().nextLong(min, max + 1),
                               TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // closed while refreshing: no next round
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        fetchers.shutdownNow();
    }
}
