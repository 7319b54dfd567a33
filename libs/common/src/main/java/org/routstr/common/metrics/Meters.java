package org.routstr.common.metrics;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.FunctionalCounter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;

/**
 * The services' meters in Helidon's global registry (what {@code /metrics} on the internal socket serves), named the
 * Prometheus way: a counter {@code x_msat} is scraped as {@code x_msat_total}, a timer {@code x} as the histogram
 * {@code x_seconds}. Tags come in name/value pairs and must be bounded (endpoints, models, providers, mint origins,
 * status codes): never keys, tokens or full URLs.
 */
public final class Meters {
    /** Latency buckets from 5 ms to 2 min: mints and LLM upstreams are slow next to the gateway itself. */
    private static final Duration[] BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(25), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(120)};

    private static final Map<List<String>, LongAdder> ADDERS = new ConcurrentHashMap<>();

    private Meters() {
    }

    public static Counter counter(String name, String description, String... tags) {
        return Metrics.getOrCreate(Counter.builder(name).description(description).tags(tags(tags)));
    }

    /**
     * A counter for hot paths: a {@link LongAdder} scraped as a counter ({@code name_total}), about 20 times cheaper per
     * increment than a registry counter. The same name and tags give the same adder.
     */
    public static LongAdder fastCounter(String name, String description, String... tags) {
        List<String> key = new ArrayList<>(List.of(tags));
        key.addFirst(name);
        return ADDERS.computeIfAbsent(List.copyOf(key), k -> {
            LongAdder adder = new LongAdder();
            Metrics.getOrCreate(FunctionalCounter.builder(name, adder, LongAdder::sum).description(description).tags(tags(tags)));
            return adder;
        });
    }

    /** A latency histogram in seconds. */
    public static Timer timer(String name, String description, String... tags) {
        return Metrics.getOrCreate(Timer.builder(name).description(description).tags(tags(tags)).buckets(BUCKETS));
    }

    /** A gauge read at each scrape; {@code value} must be cheap (keep a figure, or cache a query, see {@link Sampled}). */
    public static void gauge(String name, String description, Supplier<? extends Number> value, String... tags) {
        Supplier<Double> d = () -> value.get().doubleValue();
        Metrics.getOrCreate(Gauge.builder(name, d).description(description).tags(tags(tags)));
    }

    /** A mint's label: its origin (scheme, host, port) only, so no path or query of a configured URL reaches a label. */
    public static String origin(String url) {
        try {
            URI u = URI.create(url);
            if (u.getScheme() == null || u.getHost() == null) {
                return "invalid";
            }
            return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
        } catch (IllegalArgumentException e) {
            return "invalid";
        }
    }

    private static Iterable<Tag> tags(String... pairs) {
        if (pairs.length % 2 != 0) {
            throw new IllegalArgumentException("tags come in name/value pairs");
        }
        List<Tag> t = new ArrayList<>(pairs.length / 2);
        for (int i = 0; i < pairs.length; i += 2) {
            t.add(Tag.create(pairs[i], pairs[i + 1]));
        }
        return t;
    }
}
