package org.routstr.common.logs;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import org.routstr.common.events.Topics;
import org.routstr.common.json.Json;

/**
 * Ships the node's own log records (loggers under {@code org.routstr}, INFO and above) to {@code routstr.logs.v1}, redacted
 * at the source, so admin-service can index them. One handler per JVM (the launcher runs every service in one): the
 * service is taken from the logger's package. Never blocks or fails the caller; a record that cannot be sent is dropped.
 */
public final class LogShipper extends Handler {
    private static final AtomicReference<LogShipper> INSTALLED = new AtomicReference<>();
    static final Pattern REQUEST_ID = Pattern.compile("request_id=([0-9a-fA-F-]{36})");
    private static final Map<String, String> SERVICES = Map.of("gateway", "gateway", "wallet", "wallet-service",
            "billing", "billing-service", "admin", "admin-service", "discovery", "discovery-service");
    private static final ThreadLocal<Boolean> SHIPPING = ThreadLocal.withInitial(() -> false);
    private final KafkaProducer<String, byte[]> producer;
    private final String fallbackService;

    private LogShipper(KafkaProducer<String, byte[]> producer, String fallbackService) {
        this.producer = producer;
        this.fallbackService = fallbackService;
        setLevel(Level.INFO);
    }

    /**
     * Installs the shipper on the root logger once per JVM (later calls keep the first producer); closing the result removes
     * it again if this call installed it (register it to close before the producer).
     */
    public static AutoCloseable install(KafkaProducer<String, byte[]> producer, String service) {
        LogShipper s = new LogShipper(producer, service);
        if (!INSTALLED.compareAndSet(null, s)) {
            return () -> { };
        }
        LogManager.getLogManager().getLogger("").addHandler(s);
        return () -> {
            if (INSTALLED.compareAndSet(s, null)) {
                Logger.getLogger("").removeHandler(s);
            }
        };
    }

    @Override
    public void publish(java.util.logging.LogRecord r) {
        String logger = r.getLoggerName() == null ? "" : r.getLoggerName();
        if (!isLoggable(r) || !logger.startsWith("org.routstr.") || SHIPPING.get()) {
            return;
        }
        SHIPPING.set(true);
        try {
            String message = Redactor.redact(format(r));
            Matcher m = REQUEST_ID.matcher(message);
            String service = service(logger);
            LogRecord rec = new LogRecord(LogRecord.SCHEMA, Instant.ofEpochMilli(r.getMillis()), level(r.getLevel()), service, logger,
                                          message, m.find() ? m.group(1).toLowerCase(Locale.ROOT) : null, Thread.currentThread().getName());
            producer.send(new ProducerRecord<>(Topics.LOGS, service, Json.bytes(rec)));
        } catch (RuntimeException e) {
            // a closed producer or a full buffer: the record is dropped, logging must never fail the caller
        } finally {
            SHIPPING.set(false);
        }
    }

    private String service(String logger) {
        return serviceOf(logger, fallbackService);
    }

    /** The service of a logger under {@code org.routstr.<service>}, else {@code fallback}. */
    static String serviceOf(String logger, String fallback) {
        String[] parts = logger.split("\\.");
        return parts.length > 2 && SERVICES.containsKey(parts[2]) ? SERVICES.get(parts[2]) : fallback;
    }

    static String format(java.util.logging.LogRecord r) {
        String msg = r.getMessage() == null ? "" : r.getMessage();
        if (r.getParameters() != null && r.getParameters().length > 0) {
            try {
                msg = java.text.MessageFormat.format(msg, r.getParameters());
            } catch (IllegalArgumentException e) {
                // not a MessageFormat pattern: keep the raw text
            }
        }
        Throwable t = r.getThrown();
        return t == null ? msg : msg + " | " + t.getClass().getName() + ": " + t.getMessage();
    }

    static String level(Level l) {
        int v = l.intValue();
        return v >= Level.SEVERE.intValue() ? "error" : v >= Level.WARNING.intValue() ? "warning" : v >= Level.INFO.intValue() ? "info"
                : "debug";
    }

    @Override
    public void flush() {
        // the producer batches on its own
    }

    @Override
    public void close() {
        // the producer belongs to the service that installed the shipper
    }
}
