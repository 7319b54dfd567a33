package org.routstr.discovery.announce;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.routstr.discovery.identity.Identity;
import org.routstr.discovery.identity.NodeRelays;
import org.routstr.nostr.Event;
import org.routstr.nostr.Filter;
import org.routstr.nostr.Keys;
import org.routstr.nostr.PublishResult;

/**
 * Publishes the node's kind-38421 listing, as routstr-core does: read this key's listings from the relays, and publish only
 * when none is there or one differs; at start, on {@link #trigger()} (settings changed), and every {@code interval} (24 h).
 */
public final class Announcer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Announcer.class.getName());
    private final Supplier<Identity> identity;
    private final NodeRelays relays;
    private final Duration queryTimeout;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "discovery-announce");
        t.setDaemon(true);
        return t;
    });
    private volatile AnnounceStatus status = AnnounceStatus.of("not-yet");

    public Announcer(Supplier<Identity> identity, NodeRelays relays, Duration queryTimeout) {
        this.identity = identity;
        this.relays = relays;
        this.queryTimeout = queryTimeout;
    }

    /** Announces now and then every {@code interval}. */
    public Announcer start(Duration interval) {
        worker.scheduleWithFixedDelay(this::announceQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Announces soon (one at a time, in order). */
    public void trigger() {
        worker.execute(this::announceQuietly);
    }

    public AnnounceStatus status() {
        return status;
    }

    private void announceQuietly() {
        try {
            announce();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "announcement failed: " + e);
        }
    }

    /** One announcement round; returns (and keeps) its outcome. */
    public AnnounceStatus announce() {
        Identity id = identity.get();
        relays.update(id.relays());
        if (id.keys().isEmpty()) {
            return keep(AnnounceStatus.of("no-nsec"));
        }
        if (id.endpoints().isEmpty()) {
            return keep(AnnounceStatus.of("no-endpoint"));
        }
        if (id.relays().isEmpty()) {
            return keep(AnnounceStatus.of("no-relays"));
        }
        Keys keys = id.keys().get();
        List<Event> mine = relays.pool().query(List.of(Filter.kinds(10, Listing.KIND).authors(keys.pubkey())), queryTimeout).join()
                .stream().filter(e -> e.pubkey().equals(keys.pubkey())).toList();
        String d = Listing.providerId(id, keys, mine);
        long newest = mine.stream().mapToLong(Event::createdAt).max().orElse(0);
        // a replacement must be newer than what the relays hold, even within the same second
        Event listing = Listing.build(id, keys, d, Math.max(Instant.now().getEpochSecond(), newest + 1));
        List<Event> sameD = mine.stream().filter(e -> e.tag("d").equals(Optional.of(d))).toList();
        if (!sameD.isEmpty() && sameD.stream().allMatch(e -> Listing.sameListing(e, listing))) {
            return keep(new AnnounceStatus("up-to-date", Optional.of(sameD.get(0)), List.of(), Instant.now()));
        }
        List<PublishResult> results = relays.pool().publish(listing).join();
        results.stream().filter(r -> !r.accepted()).forEach(r -> LOG.log(Level.WARNING,
                "relay " + r.relay() + " did not take the listing: " + r.status() + " " + r.message()));
        LOG.log(Level.INFO, "announced " + listing.id() + " (d=" + d + ") to " + results.stream().filter(PublishResult::accepted).count()
                + " of " + results.size() + " relays");
        return keep(new AnnounceStatus("published", Optional.of(listing), results, Instant.now()));
    }

    private AnnounceStatus keep(AnnounceStatus s) {
        status = s;
        return s;
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
