package org.routstr.nostr;

import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One WebSocket to one relay (the JDK's {@link WebSocket}) that comes back after every drop, with exponential backoff and
 * jitter; sends are queued in order, whole text messages are handed to {@code onMessage}.
 */
final class RelayConnection implements WebSocket.Listener {
    private static final System.Logger LOG = System.getLogger(RelayConnection.class.getName());
    private final URI uri;
    private final RelayOptions options;
    private final ScheduledExecutorService timer;
    private final Consumer<String> onMessage;
    private final Runnable onOpen;
    private final HttpClient http = HttpClient.newHttpClient();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket ws;
    private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);
    private int attempts;
    private boolean closed;

    RelayConnection(URI uri, RelayOptions options, ScheduledExecutorService timer, Consumer<String> onMessage, Runnable onOpen) {
        this.uri = uri;
        this.options = options;
        this.timer = timer;
        this.onMessage = onMessage;
        this.onOpen = onOpen;
    }

    void start() {
        connect();
    }

    synchronized boolean isOpen() {
        return ws != null && !closed;
    }

    /** Queues a text frame; false if not connected (the caller resends on the next open). */
    synchronized boolean send(String text) {
        WebSocket w = ws;
        if (w == null || closed) {
            return false;
        }
        tail = tail.exceptionally(e -> null).thenCompose(x -> w.sendText(text, true)).whenComplete((x, e) -> {
            if (e != null) {
                drop(w, "send failed: " + e.getMessage());
            }
        });
        return true;
    }

    void close() {
        WebSocket w;
        synchronized (this) {
            closed = true;
            w = ws;
            ws = null;
        }
        if (w != null) {
            w.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(2, TimeUnit.SECONDS).whenComplete((x, e) -> w.abort());
        }
        http.close();
    }

    private void connect() {
        synchronized (this) {
            if (closed) {
                return;
            }
        }
        http.newWebSocketBuilder().connectTimeout(options.connectTimeout()).buildAsync(uri, this).whenComplete((w, e) -> {
            if (e != null) {
                LOG.log(Level.DEBUG, "relay " + uri + " unreachable: " + e.getMessage());
                retry();
            }
        });
    }

    private void retry() {
        Duration d;
        synchronized (this) {
            if (closed) {
                return;
            }
            d = options.backoff().delay(attempts++);
        }
        timer.schedule(this::connect, d.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void drop(WebSocket w, String why) {
        synchronized (this) {
            if (ws != w) {
                return;
            }
            ws = null;
        }
        w.abort();
        LOG.log(Level.INFO, "relay " + uri + " disconnected (" + why + "), reconnecting");
        retry();
    }

    @Override
    public void onOpen(WebSocket w) {
        synchronized (this) {
            if (closed) {
                w.abort();
                return;
            }
            ws = w;
            attempts = 0;
            tail = CompletableFuture.completedFuture(null);
        }
        w.request(1);
        // resending subscriptions and pending events must not run on the socket's own thread
        timer.execute(onOpen);
    }

    @Override
    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            try {
                onMessage.accept(text);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "relay " + uri + ": message handler failed: " + e);
            }
        }
        w.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket w, int status, String reason) {
        drop(w, "closed " + status + " " + reason);
        return null;
    }

    @Override
    public void onError(WebSocket w, Throwable error) {
        drop(w, error.getClass().getSimpleName() + ": " + error.getMessage());
    }
}
