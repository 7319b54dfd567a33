package org.routstr.nostr;

import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * A client of one relay (NIP-01): {@code EVENT}/{@code OK}, {@code REQ}/{@code EOSE}/{@code CLOSED}/{@code CLOSE},
 * {@code NOTICE}. It reconnects by itself; open subscriptions and unanswered events are sent again after a reconnect.
 * Events that arrive with a wrong id or signature are dropped.
 */
public final class RelayClient implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RelayClient.class.getName());
    private final String url;
    private final RelayOptions options;
    private final ScheduledExecutorService timer;
    private final RelayConnection connection;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Map<String, Sub> subs = new ConcurrentHashMap<>();
    private final Consumer<String> onNotice;
    private final AtomicLong invalidEvents = new AtomicLong();

    private record Pending(Event event, CompletableFuture<PublishResult> result) {
    }

    private record Sub(List<Filter> filters, SubscriptionListener listener) {
    }

    /** An open subscription; {@link #close()} sends {@code CLOSE}. */
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    public RelayClient(String url, RelayOptions options, Consumer<String> onNotice) {
        this.url = url;
        this.options = options;
        this.onNotice = onNotice;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "nostr-relay " + url);
            t.setDaemon(true);
            return t;
        });
        this.connection = new RelayConnection(URI.create(url), options, timer, this::onMessage, this::onOpen);
        connection.start();
    }

    public String url() {
        return url;
    }

    public boolean connected() {
        return connection.isOpen();
    }

    /** Events this relay sent that failed id or signature checks. */
    public long invalidEvents() {
        return invalidEvents.get();
    }

    /** Publishes and waits (up to the publish timeout) for the relay's {@code OK}; the future never fails. */
    public CompletableFuture<PublishResult> publish(Event event) {
        CompletableFuture<PublishResult> result = new CompletableFuture<>();
        pending.put(event.id(), new Pending(event, result));
        connection.send(eventMessage(event));
        timer.schedule(() -> {
            if (pending.remove(event.id()) != null) {
                result.complete(connected()
                        ? new PublishResult(url, event.id(), PublishResult.Status.TIMEOUT, "no OK within " + options.publishTimeout())
                        : new PublishResult(url, event.id(), PublishResult.Status.UNREACHABLE, "not connected"));
            }
        }, options.publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
        return result;
    }

    /** Opens a live subscription (stored events, {@code EOSE}, then new ones); it is renewed after every reconnect. */
    public Subscription subscribe(List<Filter> filters, SubscriptionListener listener) {
        String id = UUID.randomUUID().toString().substring(0, 16);
        subs.put(id, new Sub(filters, listener));
        connection.send(reqMessage(id, filters));
        return () -> {
            if (subs.remove(id) != null) {
                connection.send(NostrJson.write(NostrJson.mapper().createArrayNode().add("CLOSE").add(id)));
            }
        };
    }

    /** The stored events matching the filters: read until {@code EOSE} (or {@code CLOSED}, or the timeout), then closed. */
    public CompletableFuture<QueryResult> query(List<Filter> filters, Duration timeout) {
        List<Event> events = java.util.Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<QueryResult> done = new CompletableFuture<>();
        Subscription sub = subscribe(filters, new SubscriptionListener() {
            @Override
            public void onEvent(String relay, Event event) {
                events.add(event);
            }

            @Override
            public void onEose(String relay) {
                done.complete(new QueryResult(snapshot(events), true, Optional.empty()));
            }

            @Override
            public void onClosed(String relay, String message) {
                done.complete(new QueryResult(snapshot(events), false, Optional.of(message)));
            }
        });
        timer.schedule(() -> done.complete(new QueryResult(snapshot(events), false, Optional.empty())),
                       timeout.toMillis(), TimeUnit.MILLISECONDS);
        return done.whenComplete((r, e) -> sub.close());
    }

    private static List<Event> snapshot(List<Event> events) {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** Sends a raw message (tests speak to the relay with it). */
    boolean sendRaw(String text) {
        return connection.send(text);
    }

    private void onOpen() {
        subs.forEach((id, s) -> connection.send(reqMessage(id, s.filters())));
        pending.values().forEach(p -> connection.send(eventMessage(p.event())));
    }

    private void onMessage(String text) {
        JsonNode m;
        try {
            m = NostrJson.read(text);
        } catch (IllegalArgumentException e) {
            LOG.log(Level.DEBUG, "relay " + url + " sent something that is not JSON");
            return;
        }
        if (!m.isArray() || m.isEmpty()) {
            return;
        }
        String sub = m.path(1).asText();
        switch (m.path(0).asText()) {
            case "OK" -> onOk(sub, m.path(2).asBoolean(false), m.path(3).asText(""));
            case "EVENT" -> onEvent(sub, m.path(2));
            case "EOSE" -> Optional.ofNullable(subs.get(sub)).ifPresent(s -> s.listener().onEose(url));
            case "CLOSED" -> Optional.ofNullable(subs.remove(sub)).ifPresent(s -> s.listener().onClosed(url, m.path(2).asText("")));
            case "NOTICE" -> {
                LOG.log(Level.INFO, "relay " + url + " notice: " + sub);
                onNotice.accept(sub);
            }
            default -> LOG.log(Level.DEBUG, "relay " + url + " sent " + m.path(0).asText());
        }
    }

    private void onOk(String eventId, boolean ok, String message) {
        Pending p = pending.remove(eventId);
        if (p != null) {
            // NIP-01: "duplicate:" with true means the relay has it, which is what a publisher wants
            p.result().complete(new PublishResult(url, eventId, ok ? PublishResult.Status.ACCEPTED : PublishResult.Status.REJECTED,
                                                  message));
        }
    }

    private void onEvent(String subId, JsonNode raw) {
        Sub s = subs.get(subId);
        if (s == null) {
            return;
        }
        Event e;
        try {
            e = Event.fromJson(raw);
        } catch (IllegalArgumentException ex) {
            invalidEvents.incrementAndGet();
            return;
        }
        if (!e.verify()) {
            invalidEvents.incrementAndGet();
            return;
        }
        s.listener().onEvent(url, e);
    }

    private static String eventMessage(Event e) {
        ArrayNode a = NostrJson.mapper().createArrayNode().add("EVENT");
        a.add(NostrJson.mapper().valueToTree(e));
        return NostrJson.write(a);
    }

    private static String reqMessage(String id, List<Filter> filters) {
        ArrayNode a = NostrJson.mapper().createArrayNode().add("REQ").add(id);
        filters.forEach(f -> a.add(f.toJson()));
        return NostrJson.write(a);
    }

    @Override
    public void close() {
        connection.close();
        timer.shutdownNow();
        pending.values().forEach(p -> p.result().complete(
                new PublishResult(url, p.event().id(), PublishResult.Status.UNREACHABLE, "client closed")));
        pending.clear();
    }
}
