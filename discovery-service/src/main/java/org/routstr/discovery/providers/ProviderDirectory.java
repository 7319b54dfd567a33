package org.routstr.discovery.providers;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.routstr.discovery.identity.NodeRelays;
import org.routstr.nostr.Event;
import org.routstr.nostr.Filter;
import org.routstr.nostr.RelayClient;
import org.routstr.nostr.RelayPool;

/**
 * Other nodes, found on the relays: a live subscription to kind 38421 (events already id- and signature-checked by the
 * relay client), the newest listing per (pubkey, d), malformed and stale ones dropped, each health-checked on arrival
 * and every {@code healthInterval}. Lists the healthy ones, one per endpoint, shuffled, at most 42 (as routstr-core).
 */
public final class ProviderDirectory implements AutoCloseable {
    private static final int MAX = 42;
    private static final Duration FUTURE_SKEW = Duration.ofMinutes(15);
    private final NodeRelays relays;
    private final HealthClient health;
    private final Duration maxAge;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();
    private final ExecutorService checks = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "discovery-health");
        t.setDaemon(true);
        return t;
    });
    private volatile RelayClient.Subscription subscription = () -> { };

    /** A provider and its last health check (empty until the first one). */
    public record Entry(Provider provider, Optional<Health> health) {
    }

    public ProviderDirectory(NodeRelays relays, Duration healthTimeout, Duration maxAge) {
        this.relays = relays;
        this.health = new HealthClient(healthTimeout);
        this.maxAge = maxAge;
    }

    /** Subscribes (again after every relay change) and health-checks every {@code interval}. */
    public ProviderDirectory start(Duration interval) {
        NodeRelays r = relays;
        subscribe(r.pool());
        r.onChange(this::subscribe);
        timer.scheduleWithFixedDelay(this::checkAll, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private synchronized void subscribe(RelayPool pool) {
        subscription.close();
        subscription = pool.subscribe(List.of(Filter.kinds(100, 38421)), (relay, e) -> accept(e));
    }

    /** Takes one listing from a relay. */
    void accept(Event e) {
        long now = Instant.now().getEpochSecond();
        Optional<Provider> parsed = Provider.parse(e);
        if (parsed.isEmpty() || e.createdAt() < now - maxAge.toSeconds() || e.createdAt() > now + FUTURE_SKEW.toSeconds()) {
            dropped.incrementAndGet();
            return;
        }
        Provider p = parsed.get();
        String key = p.pubkey() + ":" + p.id();
        Entry old = entries.get(key);
        if (old != null && old.provider().createdAt() >= p.createdAt()) {
            dropped.incrementAndGet();
            return;
        }
        entries.put(key, new Entry(p, Optional.empty()));
        checks.execute(() -> check(key));
    }

    private void check(String key) {
        Entry e = entries.get(key);
        if (e != null) {
            Health h = health.check(e.provider().endpointUrl());
            entries.computeIfPresent(key, (k, cur) -> cur.provider().equals(e.provider()) ? new Entry(cur.provider(), Optional.of(h)) : cur);
        }
    }

    private void checkAll() {
        entries.keySet().forEach(k -> checks.execute(() -> check(k)));
    }

    /** Listings dropped as malformed, stale or superseded. */
    public long dropped() {
        return dropped.get();
    }

    /** Healthy providers other than {@code ownPubkey}, one per primary endpoint (the newest), shuffled, at most 42. */
    public List<Entry> healthy(String ownPubkey) {
        Map<String, Entry> byEndpoint = new LinkedHashMap<>();
        entries.values().stream().filter(e -> e.health().map(Health::healthy).orElse(false))
                .filter(e -> !e.provider().pubkey().equals(ownPubkey))
                .sorted((a, b) -> Long.compare(b.provider().createdAt(), a.provider().createdAt()))
                .forEach(e -> byEndpoint.putIfAbsent(e.provider().endpointUrl(), e));
        List<Entry> out = new ArrayList<>(byEndpoint.values());
        Collections.shuffle(out);
        return out.size() > MAX ? out.subList(0, MAX) : out;
    }

    @Override
    public void close() {
        subscription.close();
        timer.shutdownNow();
        checks.shutdownNow();
    }
}
