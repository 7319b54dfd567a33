package org.routstr.common.logs;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Logger;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.routstr.common.json.Json;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/** Issue 19: JSON log lines with service, level, request id and trace id; secrets redacted. */
class JsonLogsTest {
    private static final String KEY = "sk-" + "a1b2c3d4e5f6a7b8c9d0";
    private static final String TOKEN = "cashuB" + "o2F0gaJhaUgA2Ee0Q3JlYXRl";
    private final List<Handler> before = List.of(Logger.getLogger("").getHandlers());
    private Handler installed;

    @AfterEach
    void restore() {
        Logger root = Logger.getLogger("");
        root.removeHandler(installed);
        before.forEach(root::addHandler);
    }

    @Test
    void aLineIsOneJsonObjectWithServiceLevelRequestAndTraceIdsAndNoSecret() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        installed = JsonLogs.install(out, "fallback");
        // a provider without a processor makes no real spans
        SdkTracerProvider tracer = SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(SpanExporter.composite())).build();
        Span span = tracer.get("test").spanBuilder("request").startSpan();
        try (Scope ignored = span.makeCurrent()) {
            Logger.getLogger("org.routstr.wallet.mint.Receiver").warning("redeem failed: request_id=0b0b0b0b-1111-2222-3333-444455556666"
                    + " key " + KEY + " token " + TOKEN + " Authorization: Bearer hunter2secret password=letmein");
        } finally {
            span.end();
            tracer.close();
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text.lines().count(), is(1L));
        JsonNode line = Json.parse(text.getBytes(StandardCharsets.UTF_8));
        assertThat(line.get("service").asText(), is("wallet-service"));
        assertThat(line.get("level").asText(), is("warning"));
        assertThat(line.get("request_id").asText(), is("0b0b0b0b-1111-2222-3333-444455556666"));
        assertThat(text, line.has("trace_id"), is(true));
        assertThat(line.get("trace_id").asText(), is(span.getSpanContext().getTraceId()));
        assertThat(line.get("span_id").asText(), is(span.getSpanContext().getSpanId()));
        assertThat(line.get("logger").asText(), is("org.routstr.wallet.mint.Receiver"));
        assertThat(line.get("message").asText(), containsString("redeem failed"));
        for (String secret : List.of(KEY, TOKEN, "hunter2secret", "letmein")) {
            assertThat(text, not(containsString(secret)));
        }
    }

    @Test
    void withoutASpanThereIsNoTraceIdAndOtherLoggersTakeTheServiceGiven() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        installed = JsonLogs.install(out, "billing-service");
        Logger.getLogger("io.helidon.webserver").severe("server failed");
        JsonNode line = Json.parse(out.toByteArray());
        assertThat(line.get("service").asText(), is("billing-service"));
        assertThat(line.get("level").asText(), is("error"));
        assertThat(line.has("trace_id"), is(false));
        assertThat(line.has("request_id"), is(false));
    }

    @Test
    void onlyLogFormatJsonReplacesTheHandlers() {
        Handler[] now = Logger.getLogger("").getHandlers();
        JsonLogs.configure(Config.just(ConfigSources.create(Map.of("format", "text"))), "gateway");
        assertThat(List.of(Logger.getLogger("").getHandlers()), is(List.of(now)));
        JsonLogs.configure(Config.just(ConfigSources.create(Map.of("format", "json"))), "gateway");
        Handler[] json = Logger.getLogger("").getHandlers();
        assertThat(json.length, is(1));
        assertThat(json[0].getFormatter() instanceof JsonLogs, is(true));
        installed = json[0];
    }
}
