package org.routstr.common.tracing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.helidon.config.Config;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.spi.WebClientService;
import io.helidon.webserver.http.Filter;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;

/**
 * OpenTelemetry tracing of one service, exported over OTLP/HTTP when {@code tracing.otlp-endpoint} is set and off
 * otherwise (then every hook is a no-op: no span, no header). W3C {@code traceparent} is read by {@link #server()} and
 * written by {@link #propagation()} (web clients) and {@link #inject} (Kafka record headers) from the current context, so
 * those two need no instance. Helidon's own OpenTelemetry provider is not served at 4.5.0 on this project's mirror, so the
 * SDK is used directly.
 */
public final class Tracing implements AutoCloseable {
    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final HeaderName TRACEPARENT = HeaderNames.create("traceparent");
    private static final HeaderName TRACESTATE = HeaderNames.create("tracestate");
    private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    private static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    private static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
    private static final WebClientService PROPAGATE = (chain, request) -> {
        if (Span.current().getSpanContext().isValid()) {
            W3C.inject(Context.current(), request.headers(), (h, k, v) -> h.set(HeaderNames.create(k), v));
        }
        return chain.proceed(request);
    };
    private static final TextMapGetter<io.helidon.http.Headers> HTTP_GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(io.helidon.http.Headers carrier) {
            return List.of("traceparent", "tracestate");
        }

        @Override
        public String get(io.helidon.http.Headers carrier, String key) {
            return carrier == null ? null : carrier.first(key.equals("traceparent") ? TRACEPARENT : TRACESTATE).orElse(null);
        }
    };
    private static final TextMapGetter<org.apache.kafka.common.header.Headers> KAFKA_GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(org.apache.kafka.common.header.Headers carrier) {
            return List.of("traceparent", "tracestate");
        }

        @Override
        public String get(org.apache.kafka.common.header.Headers carrier, String key) {
            var h = carrier == null ? null : carrier.lastHeader(key);
            return h == null ? null : new String(h.value(), StandardCharsets.US_ASCII);
        }
    };

    private final Optional<SdkTracerProvider> provider;
    private final Tracer tracer;

    private Tracing(Optional<SdkTracerProvider> provider) {
        this.provider = provider;
        this.tracer = provider.map(p -> (Tracer) p.get("org.routstr")).orElse(null);
    }

    /** Tracing off: no spans, no export. */
    public static Tracing off() {
        return new Tracing(Optional.empty());
    }

    /**
     * From a {@code tracing} config node: {@code otlp-endpoint} (for example {@code http://collector:4318/v1/traces}; absent
     * or blank is off), {@code sample-ratio} (default 1.0, for traces that start here; a caller's sampled flag is kept) and
     * {@code export-delay} (default 5 s).
     */
    public static Tracing start(Config tracing, String service) {
        Optional<String> endpoint = tracing.get("otlp-endpoint").asString().asOptional().filter(s -> !s.isBlank());
        if (endpoint.isEmpty()) {
            return off();
        }
        Duration delay = tracing.get("export-delay").as(Duration.class).orElse(Duration.ofSeconds(5));
        double ratio = tracing.get("sample-ratio").asDouble().orElse(1.0);
        OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder().setEndpoint(endpoint.get()).build();
        SdkTracerProvider p = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), service))))
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(ratio)))
                .addSpanProcessor(BatchSpanProcessor.builder(exporter).setScheduleDelay(delay).build())
                .build();
        return new Tracing(Optional.of(p));
    }

    public boolean on() {
        return tracer != null;
    }

    /** A server span per request, child of the caller's {@code traceparent} if any, current while the request is handled. */
    public Filter server() {
        if (!on()) {
            return (chain, req, res) -> chain.proceed();
        }
        return (chain, req, res) -> {
            Context parent = W3C.extract(Context.root(), req.headers(), HTTP_GETTER);
            String method = req.prologue().method().text();
            Span span = tracer.spanBuilder(method + " " + req.path().path()).setParent(parent).setSpanKind(SpanKind.SERVER)
                    .setAttribute(METHOD, method).setAttribute(PATH, req.path().path()).startSpan();
            try (Scope ignored = parent.with(span).makeCurrent()) {
                chain.proceed();
            } finally {
                span.setAttribute(STATUS, (long) res.status().code());
                span.end();
            }
        };
    }

    /** A web client service that sends the current trace context as {@code traceparent} (nothing when there is none). */
    public static WebClientService propagation() {
        return PROPAGATE;
    }

    /** Writes the current trace context into Kafka record headers (nothing when there is none). */
    public static void inject(org.apache.kafka.common.header.Headers headers) {
        if (Span.current().getSpanContext().isValid()) {
            W3C.inject(Context.current(), headers, (h, k, v) -> h.add(k, v.getBytes(StandardCharsets.US_ASCII)));
        }
    }

    /** The trace contexts of consumed records that carry one; empty (and free) when tracing is off. */
    public List<Context> extract(Iterable<org.apache.kafka.common.header.Headers> records) {
        if (!on()) {
            return List.of();
        }
        List<Context> out = new ArrayList<>();
        for (var h : records) {
            Context c = W3C.extract(Context.root(), h, KAFKA_GETTER);
            if (Span.fromContext(c).getSpanContext().isValid()) {
                out.add(c);
            }
        }
        return out;
    }

    /** One span {@code name} per parent context, from {@code startNanos} (a {@link System#nanoTime()} value) to now. */
    public void spans(String name, List<Context> parents, long startNanos) {
        if (!on() || parents.isEmpty()) {
            return;
        }
        long startEpochNanos = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis()) - (System.nanoTime() - startNanos);
        for (Context parent : parents) {
            tracer.spanBuilder(name).setParent(parent).setSpanKind(SpanKind.CONSUMER)
                    .setStartTimestamp(startEpochNanos, TimeUnit.NANOSECONDS).startSpan().end();
        }
    }

    @Override
    public void close() {
        provider.ifPresent(p -> p.shutdown().join(10, TimeUnit.SECONDS));
    }
}
