package org.routstr.standin;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.helidon.webserver.WebServer;

/**
 * A local OpenAI-compatible (and Anthropic Messages, see {@code AnthropicHttpService}) upstream for tests, the bench and the node's demo mode: deterministic replies, real usage
 * numbers (one token per word, see {@code Replies}), streaming, and failure modes chosen per request with header
 * {@code x-standin-mode: slow|fail500|fail429|fail400|disconnect|no-usage|overrun|hang} or for every request with {@link #mode}.
 */
public final class StandinUpstream implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(StandinUpstream.class.getName());
    private static final List<String> MODELS = List.of("standin-gpt", "standin-mini", "standin-embed", "standin-image",
                                                       "whisper-1");
    private final WebServer server;
    private final AtomicLong requests = new AtomicLong();
    private final LongAdder clientGone = new LongAdder();
    private final Map<String, LongAdder> perPath = new ConcurrentHashMap<>();
    private volatile Mode defaultMode = Mode.NORMAL;
    private volatile Seen last;
    private volatile boolean closed;

    private StandinUpstream(String host, int port) {
        this.server = WebServer.builder()
                .host(host)
                .port(port)
                .maxPayloadSize(-1)
                .routing(r -> r.register(new StandinHttpService(this)).register(new AnthropicHttpService(this)))
                .build()
                .start();
    }

    /** Starts a stand-in on {@code host}:{@code port} ({@code 0} picks a free port). */
    public static StandinUpstream start(String host, int port) {
        return new StandinUpstream(host, port);
    }

    /** Runs it standalone: {@code java … org.routstr.standin.StandinUpstream [port] [host]} (defaults 8090, 127.0.0.1). */
    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8090;
        String host = args.length > 1 ? args[1] : "127.0.0.1";
        StandinUpstream s = start(host, port);
        Runtime.getRuntime().addShutdownHook(new Thread(s::close, "standin-shutdown"));
        LOG.log(Level.INFO, "stand-in upstream listening on " + s.url());
    }

    public int port() {
        return server.port();
    }

    /** The base URL without {@code /v1}, for example {@code http://127.0.0.1:41234}. */
    public String url() {
        return "http://127.0.0.1:" + port();
    }

    /** Makes every request behave as {@code mode} unless it names its own. */
    public StandinUpstream mode(Mode mode) {
        this.defaultMode = mode;
        return this;
    }

    /** Requests received so far (all paths). */
    public long requests() {
        return requests.get();
    }

    /** Requests received on one path, such as {@code /v1/chat/completions}. */
    public long requests(String path) {
        LongAdder a = perPath.get(path);
        return a == null ? 0 : a.sum();
    }

    /** Streams whose client went away before the end. */
    public long clientDisconnects() {
        return clientGone.sum();
    }

    /** The last JSON request received (path, lower-case headers, raw body). */
    public Optional<Seen> lastRequest() {
        return Optional.ofNullable(last);
    }

    /** The model ids {@code GET /v1/models} lists. */
    public List<String> models() {
        return MODELS;
    }

    @Override
    public void close() {
        closed = true;
        server.stop();
    }

    Mode defaultMode() {
        return defaultMode;
    }

    long count(String path) {
        perPath.computeIfAbsent(path, p -> new LongAdder()).increment();
        return requests.incrementAndGet();
    }

    void record(String path, Map<String, String> headers, byte[] body) {
        last = new Seen(path, headers, body);
    }

    void clientGone() {
        clientGone.increment();
    }

    /** Sleeps in small steps so {@link #close()} is not held up by a hanging request. */
    void sleep(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        try {
            while (!closed && System.nanoTime() < end) {
                Thread.sleep(Math.min(50, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A request as the stand-in saw it. */
    public record Seen(String path, Map<String, String> headers, byte[] body) {
    }
}
