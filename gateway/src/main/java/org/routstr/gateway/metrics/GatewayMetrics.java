package org.routstr.gateway.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Timer;

import org.routstr.common.metrics.Meters;
import org.routstr.common.metrics.Sampled;

/**
 * The gateway's meters. Labels are bounded: endpoints from the fixed route list, models and providers from the catalog,
 * status codes. Hot-path calls are a lookup of a pre-built meter (an array slot for status codes, a map keyed by a record
 * or a string the request already holds, no string building) and an atomic add.
 */
public final class GatewayMetrics {
    private static final AtomicReferenceArray<LongAdder> RESPONSES = new AtomicReferenceArray<>(600);
    private static final Map<RequestKey, LongAdder> REQUESTS = new ConcurrentHashMap<>();
    private static final Map<String, LongAdder> CHARGED = new ConcurrentHashMap<>();
    private static final Map<String, Timer> TTFB = new ConcurrentHashMap<>();
    private static final Map<String, Timer> UPSTREAM = new ConcurrentHashMap<>();
    private static final Map<String, Counter> FAILOVERS = new ConcurrentHashMap<>();
    private static final Counter PUBLISH_ERRORS = Meters.counter("gateway_kafka_publish_errors",
            "Usage events Kafka refused or did not ack in time (they went to the outbox)");
    private static final Counter OUTBOXED = Meters.counter("gateway_outbox_events",
            "Usage events written to the outbox instead of Kafka");

    private static volatile LongSupplier inFlight = () -> 0;
    private static volatile LongSupplier reservedMsat = () -> 0;
    private static volatile LongSupplier outboxDepth = () -> 0;

    static {
        Meters.gauge("gateway_requests_in_flight", "Paid requests this gateway is serving", () -> inFlight.getAsLong());
        Meters.gauge("gateway_reserved_in_flight_msat", "msat reserved by the paid requests this gateway is serving",
                     () -> reservedMsat.getAsLong());
        Sampled<Long> depth = new Sampled<>(() -> outboxDepth.getAsLong(), 0L, 1000);
        Meters.gauge("gateway_outbox_depth", "Usage events waiting in the outbox for Kafka", depth);
    }

    private record RequestKey(String endpoint, String model, String provider, int status) {
    }

    private GatewayMetrics() {
    }

    /** Every answer of the public port by status code (402, 413, 429 and 5xx included), counted when it is sent. */
    public static void response(int status) {
        int i = status < 100 || status > 599 ? 0 : status;
        LongAdder c = RESPONSES.get(i);
        if (c == null) {
            c = Meters.fastCounter("gateway_http_responses", "Responses of the public port by status code",
                               "code", i == 0 ? "other" : Integer.toString(i));
            RESPONSES.compareAndSet(i, null, c);
        }
        c.increment();
    }

    /** A paid request that ended: served by {@code provider} (empty when nothing was served) with {@code status}. */
    public static void request(String endpoint, String model, String provider, int status) {
        REQUESTS.computeIfAbsent(new RequestKey(endpoint, model, provider, status), k -> Meters.fastCounter("gateway_requests",
                "Paid requests by endpoint, model, provider and status", "endpoint", k.endpoint(), "model", k.model(),
                "provider", k.provider().isEmpty() ? "none" : k.provider(), "status", Integer.toString(k.status()))).increment();
    }

    /** What a served request was charged (the usage event's cost), by model. */
    public static void charged(String model, long msat) {
        CHARGED.computeIfAbsent(model, m -> Meters.fastCounter("gateway_charged_msat", "msat charged for served requests, by model",
                                                               "model", m)).add(msat);
    }

    /** Time from sending to an upstream to its response headers. */
    public static void timeToFirstByte(String provider, long nanos) {
        TTFB.computeIfAbsent(provider, p -> Meters.timer("gateway_upstream_ttfb",
                "Time from sending a request upstream to its response headers", "provider", p))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Time from sending to an upstream to the end of its response (the request metered). */
    public static void upstreamDuration(String provider, long nanos) {
        UPSTREAM.computeIfAbsent(provider, p -> Meters.timer("gateway_upstream_duration",
                "Time from sending a request upstream to the end of its response", "provider", p))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Creates the per-provider series at zero, so rates and alerts over them exist before the first failure. */
    public static void providers(Iterable<String> slugs) {
        for (String s : slugs) {
            FAILOVERS.computeIfAbsent(s, p -> Meters.counter("gateway_upstream_failovers",
                    "Upstream attempts that failed over to the next route (or ended the request)", "provider", p));
        }
    }

    /** An upstream that failed (unreachable, 5xx, 429, 401/403) so the request moved on to the next route or failed. */
    public static void failover(String provider) {
        FAILOVERS.computeIfAbsent(provider, p -> Meters.counter("gateway_upstream_failovers",
                "Upstream attempts that failed over to the next route (or ended the request)", "provider", p)).increment();
    }

    public static void publishError() {
        PUBLISH_ERRORS.increment();
    }

    public static void outboxed() {
        OUTBOXED.increment();
    }

    /**
     * What the gauges read: reservations in flight (count and msat) and the outbox depth (sampled once a second). The
     * gauges live in the one global registry, so a gateway started later in the same JVM takes them over.
     */
    public static void gauges(LongSupplier requests, LongSupplier msat, LongSupplier outbox) {
        inFlight = requests;
        reservedMsat = msat;
        outboxDepth = outbox;
    }
}
