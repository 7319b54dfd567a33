package org.routstr.cluster;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.routstr.common.json.Json;
import org.routstr.crypto.cashu.nut00.Proof;
import org.routstr.crypto.cashu.nut00.TokenCodec;

/**
 * The chaos run's load: {@code ops} randomized operations over {@code keys} keys by {@code concurrency} virtual threads
 * (chat plain and streamed, streams the client leaves after the first chunk, X-Cashu, top-ups by token and by Lightning,
 * refunds, child keys), bounded by a deadline. It keeps what the client side knows: every token it handed over, every
 * token it got back, every 5xx with its time.
 */
final class Chaos {
    static final String CHAT = "{\"model\":\"" + Cluster.MODEL
            + "\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"chaos says hello\"}]";
    record FiveXx(long atMs, int status, String op, String body, String requestId) {
    }

    private final Cluster cluster;
    private final Client client;
    final Queue<String> given = new ConcurrentLinkedQueue<>();
    final Queue<String> received = new ConcurrentLinkedQueue<>();
    final Queue<FiveXx> fiveXx = new ConcurrentLinkedQueue<>();
    final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    final AtomicLong lightningSats = new AtomicLong();
    private final List<String> keys = new ArrayList<>();
    private final Map<String, List<String>> children = new ConcurrentHashMap<>();
    private final AtomicInteger done = new AtomicInteger();

    Chaos(Cluster cluster) {
        this.cluster = cluster;
        this.client = new Client(cluster.gateways());
    }

    /** Creates the keys, each from a fresh 2 000-sat token. */
    void createKeys(int n) throws IOException {
        for (int i = 0; i < n; i++) {
            keys.add(newKey(2000));
        }
    }

    /** A new key from a fresh token of {@code sats}. */
    String newKey(long sats) throws IOException {
        Client.Res r = client.post("/v1/wallet/create", null, "{\"cashu_token\":\"" + token(sats) + "\"}");
        if (r.status() != 200) {
            throw new IllegalStateException("key creation failed: " + r.status() + " " + r.body());
        }
        return r.json().path("api_key").asText();
    }

    /** Runs until {@code ops} operations are done or {@code deadlineMs} (epoch) passes. */
    void run(int ops, int concurrency, long deadlineMs) throws InterruptedException {
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            workers.add(Thread.ofVirtual().name("chaos-" + i).start(() -> {
                while (done.getAndIncrement() < ops && System.currentTimeMillis() < deadlineMs) {
                    one();
                }
            }));
        }
        for (Thread t : workers) {
            t.join();
        }
    }

    int done() {
        return Math.min(done.get(), Integer.MAX_VALUE);
    }

    private void one() {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        String key = keys.get(rnd.nextInt(keys.size()));
        int dice = rnd.nextInt(100);
        String op = dice < 38 ? "chat" : dice < 56 ? "stream" : dice < 62 ? "stream-abandoned" : dice < 70 ? "x-cashu"
                : dice < 77 ? "topup-token" : dice < 80 ? "topup-lightning" : dice < 84 ? "refund" : dice < 87 ? "child-key"
                : dice < 93 ? "child-chat" : "balance";
        try {
            Client.Res r = switch (op) {
                case "chat" -> client.post("/v1/chat/completions", key, CHAT + "}");
                case "stream" -> client.stream("/v1/chat/completions", key, CHAT + ",\"stream\":true}", -1);
                case "stream-abandoned" -> client.stream("/v1/chat/completions", key, CHAT + ",\"stream\":true}", 1);
                case "x-cashu" -> xCashu();
                case "topup-token" -> topUp(key, 50);
                case "topup-lightning" -> lightning(key, 20);
                case "refund" -> refund(key);
                case "child-key" -> childKey(key);
                case "child-chat" -> {
                    List<String> c = children.getOrDefault(key, List.of());
                    yield client.post("/v1/chat/completions", c.isEmpty() ? key : c.get(rnd.nextInt(c.size())), CHAT + "}");
                }
                default -> client.get("/v1/wallet/balance", key);
            };
            count(op + " " + r.status());
            if (r.status() >= 500) {
                fiveXx.add(new FiveXx(System.currentTimeMillis(), r.status(), op, r.body().length() > 300 ? r.body().substring(0, 300) : r.body(),
                        r.headers() == null ? "" : r.headers().firstValue("x-routstr-request-id").orElse("")));
            }
            if (r.status() == 402 && !op.equals("x-cashu")) {
                topUp(key, 2000);
            }
        } catch (IOException | RuntimeException e) {
            count(op + " " + e.getClass().getSimpleName());
        }
    }

    private Client.Res xCashu() throws IOException {
        String token = token(60);
        Client.Res r = client.post("/v1/chat/completions", null, CHAT + "}", "x-cashu", token);
        r.headers().firstValue("x-cashu").ifPresent(received::add);
        return r;
    }

    private Client.Res topUp(String key, long sats) throws IOException {
        String token = token(sats);
        return client.post("/v1/wallet/topup", key, "{\"cashu_token\":\"" + token + "\"}");
    }

    private Client.Res lightning(String key, long sats) throws IOException {
        Client.Res r = client.post("/lightning/invoice", key, "{\"amount_sats\":" + sats + ",\"purpose\":\"topup\"}");
        if (r.status() != 200) {
            return r;
        }
        String id = r.json().path("invoice_id").asText();
        for (int i = 0; i < 20; i++) {
            Client.Res s = client.get("/lightning/invoice/" + id + "/status", key);
            if (s.status() == 200 && s.json().path("status").asText().equals("paid")) {
                lightningSats.addAndGet(sats);
                return s;
            }
            Cluster.sleep(200);
        }
        return r;
    }

    private Client.Res refund(String key) throws IOException {
        Client.Res r = client.post("/v1/wallet/refund", key, "{}");
        if (r.status() == 200 && r.json().hasNonNull("token")) {
            received.add(r.json().path("token").asText());
        }
        topUp(key, 2000);
        return r;
    }

    private Client.Res childKey(String key) throws IOException {
        Client.Res r = client.post("/v1/balance/child-key", key, "{\"count\":1}");
        if (r.status() == 200) {
            var arr = r.json().path("api_keys");
            List<String> mine = children.computeIfAbsent(key, k -> new java.util.concurrent.CopyOnWriteArrayList<>());
            arr.forEach(n -> mine.add(n.asText()));
        }
        return r;
    }

    private String token(long sats) {
        String t = cluster.mint().mintToken(sats);
        given.add(t);
        return t;
    }

    private void count(String what) {
        counts.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
    }

    static long msat(String token) {
        try {
            return TokenCodec.decode(token).proofs().stream().mapToLong(Proof::amount).sum() * 1000;
        } catch (RuntimeException e) {
            return 0;
        }
    }

    static String json(Object o) {
        try {
            return Json.mapper().writeValueAsString(o);
        } catch (IOException e) {
            return String.valueOf(o);
        }
    }
}
