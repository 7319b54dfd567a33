package org.routstr.common.tracing;

import java.util.List;
import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.apache.kafka.common.header.internals.RecordHeaders;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/** Issue 19: tracing off by default costs nothing (no header, no context); on, Kafka headers carry the trace. */
class TracingTest {
    @Test
    void offWithoutAnEndpointAndNoHeaderWithoutASpan() {
        try (Tracing t = Tracing.start(Config.just(ConfigSources.create(Map.of("otlp-endpoint", ""))), "svc")) {
            assertThat(t.on(), is(false));
            RecordHeaders h = new RecordHeaders();
            Tracing.inject(h);
            assertThat(h.toArray().length, is(0));
            assertThat(t.extract(List.of(h)), is(List.of()));
        }
    }

    @Test
    void kafkaHeadersCarryTheCurrentTraceToTheConsumer() {
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(SpanExporter.composite())).build();
        Span span = provider.get("test").spanBuilder("request").startSpan();
        RecordHeaders h = new RecordHeaders();
        try (Scope ignored = span.makeCurrent()) {
            Tracing.inject(h);
        } finally {
            span.end();
            provider.close();
        }
        assertThat(h.lastHeader("traceparent") != null, is(true));
        try (Tracing t = Tracing.start(Config.just(ConfigSources.create(Map.of("otlp-endpoint", "http://127.0.0.1:9/v1/traces"))),
                                       "billing-service")) {
            List<Context> found = t.extract(List.of(h, new RecordHeaders()));
            assertThat(found.size(), is(1));
            assertThat(Span.fromContext(found.getFirst()).getSpanContext().getTraceId(), is(span.getSpanContext().getTraceId()));
        }
    }
}
