package org.routstr.node;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import com.fasterxml.jackson.databind.JsonNode;

import org.routstr.common.json.Json;

/**
 * Sends {@code cases} fuzz cases over {@code connections} concurrent connections and keeps the figures: a status histogram,
 * cases per second and the cases that broke a rule (a 5xx, or an error without the JSON envelope), each with its number so
 * {@code seed} and the number reproduce it.
 */
final class FuzzRun {
    private final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
    private final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    private final LongAdder ioErrors = new LongAdder();
    private final Map<String, Long> slowest = new ConcurrentHashMap<>();
    private long elapsedNanos;
    private int sent;

    /** Runs the cases; stops early after 20 failures. */
    static FuzzRun run(FuzzCases gen, int port, long seed, int cases, int connections) throws InterruptedException {
        FuzzRun run = new FuzzRun();
        AtomicInteger next = new AtomicInteger();
        long t0 = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(connections)) {
            for (int c = 0; c < connections; c++) {
                pool.submit(() -> {
                    try (RawHttp http = new RawHttp(port)) {
                        for (int i = next.getAndIncrement(); i < cases && run.failures.size() < 20; i = next.getAndIncrement()) {
                            try {
                                run.one(http, gen.next(seed, i), i);
                            } catch (RuntimeException e) {
                                http.close();
                                run.failures.add("case " + i + ": the fuzzer itself failed: " + e);
                            }
                        }
                    }
                });
            }
        }
        run.elapsedNanos = System.nanoTime() - t0;
        run.sent = Math.min(next.get(), cases);
        return run;
    }

    private void one(RawHttp http, FuzzCases.Case c, int i) {
        RawHttp.Reply r;
        long t0 = System.nanoTime();
        try {
            r = c.label().equals("framing") ? http.sendAlone(c.bytes()) : http.send(c.bytes());
            slowest.merge(c.label().replaceAll("\\?.*", ""), System.nanoTime() - t0, Long::sum);
        } catch (IOException e) {
            ioErrors.increment();
            failures.add("case " + i + ": no answer (" + e + ") to " + c.shown());
            return;
        }
        statuses.computeIfAbsent(r.status(), k -> new LongAdder()).increment();
        if (r.status() >= 500) {
            failures.add("case " + i + ": " + r.status() + " " + r.text() + " <- " + c.shown());
        } else if (r.status() >= 400 && !c.label().contains(" HEAD ") && !envelope(r)) {
            failures.add("case " + i + ": " + r.status() + " without the JSON envelope: " + r.text() + " <- " + c.shown());
        }
    }

    private static boolean envelope(RawHttp.Reply r) {
        try {
            JsonNode n = Json.mapper().readTree(r.body());
            return n != null && n.path("error").isObject() && n.path("error").path("message").isTextual();
        } catch (IOException e) {
            return false;
        }
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    int sent() {
        return sent;
    }

    /** Status → count, in order (-1: the server closed the connection without an answer, on broken framing). */
    Map<Integer, Long> histogram() {
        Map<Integer, Long> m = new TreeMap<>();
        statuses.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    double casesPerSecond() {
        return sent / (elapsedNanos / 1e9);
    }

    /** The request kinds that took the most time in all (kind and path → seconds). */
    String slowest(int n) {
        return slowest.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(n)
                .map(e -> e.getKey() + "=" + String.format("%.1fs", e.getValue() / 1e9)).toList().toString();
    }

    String figures() {
        return String.format("%d cases in %.1f s = %.0f cases/s; statuses %s; io errors %d", sent, elapsedNanos / 1e9, casesPerSecond(),
                             histogram(), ioErrors.sum());
    }
}
