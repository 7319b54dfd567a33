package org.routstr.gateway.usage;

import java.lang.System.Logger.Level;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

import org.routstr.common.events.Topics;
import org.routstr.common.events.UsageEvent;
import org.routstr.common.json.Json;

/**
 * Publishes usage events to Kafka; an event Kafka refuses or times out on goes to the outbox instead, so none is lost
 * while the gateway lives (and an orphaned reservation is settled by billing's heartbeat rule if it dies first).
 */
public final class UsagePublisher {
    private static final System.Logger LOG = System.getLogger(UsagePublisher.class.getName());
    private final Producer<String, byte[]> producer;
    private final OutboxRepository outbox;

    public UsagePublisher(Producer<String, byte[]> producer, OutboxRepository outbox) {
        this.producer = producer;
        this.outbox = outbox;
    }

    /** Hands the event to Kafka without waiting; failures fall back to the outbox. */
    public void publish(UsageEvent e) {
        byte[] payload = Json.bytes(e);
        try {
            producer.send(new ProducerRecord<>(Topics.USAGE, e.accountHash(), payload), (md, err) -> {
                if (err != null) {
                    toOutbox(e, payload, err);
                }
            });
        } catch (RuntimeException err) {
            toOutbox(e, payload, err);
        }
    }

    private void toOutbox(UsageEvent e, byte[] payload, Exception cause) {
        LOG.log(Level.WARNING, "usage event " + e.requestId() + " kept in the outbox: " + cause.getMessage());
        outbox.add(e.requestId(), e.accountHash(), payload);
    }
}
