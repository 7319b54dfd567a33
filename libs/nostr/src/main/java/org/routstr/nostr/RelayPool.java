package org.routstr.nostr;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Several relays at once: publish to all, query all and merge (one copy per event id), subscribe on all.
 */
public final class RelayPool implements AutoCloseable {
    private final List<RelayClient> relays;

    public RelayPool(List<String> urls, RelayOptions options, Consumer<String> onNotice) {
        this.relays = urls.stream().distinct().map(u -> new RelayClient(u, options, onNotice)).toList();
    }

    public List<String> urls() {
        return relays.stream().map(RelayClient::url).toList();
    }

    public List<RelayClient> relays() {
        return relays;
    }

    /** Publishes to every relay; the future completes once each has answered or timed out. */
    public CompletableFuture<List<PublishResult>> publish(Event event) {
        List<CompletableFuture<PublishResult>> all = relays.stream().map(r -> r.publish(event)).toList();
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                .thenApply(x -> all.stream().map(CompletableFuture::join).toList());
    }

    /** Queries every relay; the events of all of them, one per id, newest first. */
    public CompletableFuture<List<Event>> query(List<Filter> filters, Duration timeout) {
        List<CompletableFuture<QueryResult>> all = relays.stream().map(r -> r.query(filters, timeout)).toList();
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(x -> {
            Map<String, Event> byId = new LinkedHashMap<>();
            all.forEach(f -> f.join().events().forEach(e -> byId.putIfAbsent(e.id(), e)));
            List<Event> out = new ArrayList<>(byId.values());
            out.sort((a, b) -> Long.compare(b.createdAt(), a.createdAt()));
            return out;
        });
    }

    /** Subscribes on every relay; each event id reaches the listener once. */
    public RelayClient.Subscription subscribe(List<Filter> filters, SubscriptionListener listener) {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        List<RelayClient.Subscription> subs = relays.stream().map(r -> r.subscribe(filters, new SubscriptionListener() {
            @Override
            public void onEvent(String relay, Event event) {
                if (seen.add(event.id())) {
                    listener.onEvent(relay, event);
                }
            }

            @Override
            public void onEose(String relay) {
                listener.onEose(relay);
            }

            @Override
            public void onClosed(String relay, String message) {
                listener.onClosed(relay, message);
            }
        })).toList();
        return () -> subs.forEach(RelayClient.Subscription::close);
    }

    @Override
    public void close() {
        relays.forEach(RelayClient::close);
    }
}
