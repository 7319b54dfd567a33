package org.routstr.common.logs;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Locale;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;
import java.util.regex.Matcher;

import io.helidon.config.Config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;

import org.routstr.common.json.Json;

/**
 * JSON log lines on stdout when {@code log.format} is {@code json}: one object per record with {@code ts}, {@code level},
 * {@code service}, {@code logger}, {@code message}, {@code request_id} and {@code trace_id}/{@code span_id} (the current
 * OpenTelemetry span's, when tracing is on), {@code thread}; messages are redacted as the shipped records are, so no key,
 * token, password or nsec reaches the line.
 */
public final class JsonLogs extends Formatter {
    private final String fallbackService;

    JsonLogs(String fallbackService) {
        this.fallbackService = fallbackService;
    }

    /** Replaces the root logger's handlers with one JSON handler on stdout when {@code log.format: json}; else nothing. */
    public static void configure(Config log, String service) {
        if (log.get("format").asString().orElse("text").equalsIgnoreCase("json")) {
            install(System.out, service);
        }
    }

    /** JSON lines to {@code out} (flushed per record) instead of the root logger's handlers. */
    static Handler install(OutputStream out, String service) {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        StreamHandler h = new StreamHandler(out instanceof PrintStream p ? p : new PrintStream(out, true), new JsonLogs(service)) {
            @Override
            public synchronized void publish(java.util.logging.LogRecord r) {
                super.publish(r);
                flush();
            }
        };
        h.setLevel(Level.INFO);
        root.addHandler(h);
        return h;
    }

    @Override
    public String format(java.util.logging.LogRecord r) {
        String logger = r.getLoggerName() == null ? "" : r.getLoggerName();
        String message = Redactor.redact(LogShipper.format(r));
        ObjectNode n = Json.object().put("ts", Instant.ofEpochMilli(r.getMillis()).toString()).put("level", LogShipper.level(r.getLevel()))
                .put("service", LogShipper.serviceOf(logger, fallbackService)).put("logger", logger).put("message", message);
        Matcher m = LogShipper.REQUEST_ID.matcher(message);
        if (m.find()) {
            n.put("request_id", m.group(1).toLowerCase(Locale.ROOT));
        }
        SpanContext span = Span.current().getSpanContext();
        if (span.isValid()) {
            n.put("trace_id", span.getTraceId()).put("span_id", span.getSpanId());
        }
        n.put("thread", Thread.currentThread().getName());
        return n.toString() + System.lineSeparator();
    }
}
