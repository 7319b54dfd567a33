package org.routstr.gateway.usage;

import java.lang.System.Logger.Level;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

import org.routstr.common.events.Topics;
import org.routstr.common.events.UsageEvent;
import org.routstr.common.json.Json;
import org.routstr.common.tracing.Tracing;
import org.routstr.gateway.metrics.GatewayMetrics;

/**
 * Publishes usage events to Kafka; an event Kafka refuses or times out on goes to the outbox instead, so none is lost
 * while the gateway lives (and an orphaned reservation is settled by billing's heartbeat rule if it dies first). Once a
 * send has failed, Kafka counts as down and events go straight to the outbox (one insert, no wait for
 * {@code max.block.ms}) until the {@link OutboxRelay} delivers again. {@link #publish} returns once the event is durable:
 * Kafka acknowledged it, or (no ack within {@link #ACK_WAIT}) it is in the outbox; the caller sends the reply (or a
 * stream's last chunk, with its cost) only then, so a client that got an answer was billed for it even if the gateway
 * dies the next moment. What dies with a gateway is only what it was still serving; billing settles those reservations
 * by the orphan rule, at the account's typical cost (migration V31).
 */
public final class UsagePublisher {
    private static final System.Logger LOG = System.getLogger(UsagePublisher.class.getName());
    private final Producer<String, byte[]> producer;
    private final OutboxRepository outbox;
    private volatile boolean kafkaDown;

    /**
     * The gateway's producer settings: give up on a broker within seconds, so little waits in memory; no compression (a
     * request waits for its event's ack, so batches are a few small events, which lz4 hardly shrinks while producer,
     * broker and billing each pay to compress, check and decompress them).
     */
    public static final java.util.Map<String, Object> PRODUCER = java.util.Map.of(
            "max.block.ms", 2_000, "request.timeout.ms", 3_000, "delivery.timeout.ms", 5_000, "linger.ms", 1,
            "compression.type", "none");
    /** How long a request waits for Kafka's ack before it puts its event in the outbox instead. */
    static final java.time.Duration ACK_WAIT = java.time.Duration.ofSeconds(1);

    public UsagePublisher(Producer<String, byte[]> producer, OutboxRepository outbox) {
        this.producer = producer;
        this.outbox = outbox;
    }

    /** Makes the event durable: Kafka's ack, else the outbox (a repeat there or on the topic is deduped by request id). */
    public void publish(UsageEvent e) {
        byte[] payload = Json.bytes(e);
        if (kafkaDown) {
            outbox.add(e.requestId(), e.accountHash(), payload);
            GatewayMetrics.outboxed();
            return;
        }
        try {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.USAGE, e.accountHash(), payload);
            Tracing.inject(record.headers());
            producer.send(record, (md, err) -> {
                if (err != null) {
                    toOutbox(e, payload, err);
                }
            }).get(ACK_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException err) {
            toOutbox(e, payload, err.getCause() instanceof Exception c ? c : err);
        } catch (TimeoutException err) {
            toOutbox(e, payload, new TimeoutException("no ack within " + ACK_WAIT.toMillis() + " ms"));
        } catch (InterruptedException err) {
            Thread.currentThread().interrupt();
            toOutbox(e, payload, err);
        } catch (RuntimeException err) {
            toOutbox(e, payload, err);
        }
    }

    /** Kafka took an event again (the relay delivered one): publish directly again. */
    public void kafkaUp() {
        if (kafkaDown) {
            kafkaDown = false;
            LOG.log(Level.INFO, "Kafka reachable again: usage events go to it directly");
        }
    }

    public boolean kafkaDown() {
        return kafkaDown;
    }

    private void toOutbox(UsageEvent e, byte[] payload, Exception cause) {
        GatewayMetrics.publishError();
        GatewayMetrics.outboxed();
        if (!kafkaDown) {
            kafkaDown = true;
            LOG.log(Level.WARNING, "Kafka is not taking usage events (" + cause.getMessage()
                                   + "): they go to the outbox until the relay delivers again");
        }
        outbox.add(e.requestId(), e.accountHash(), payload);
    }
}
