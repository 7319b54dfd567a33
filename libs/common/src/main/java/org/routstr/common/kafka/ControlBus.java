package org.routstr.common.kafka;

import java.io.ByteArrayInputStream;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import org.routstr.common.events.ControlEvent;
import org.routstr.common.events.Topics;
import org.routstr.common.json.Json;

/**
 * The control topic: publish cluster-wide notices, and listen to them. Every listening instance has its own consumer group
 * and starts at the end of the topic, so each replica sees every notice from the moment it starts (state itself lives in
 * the database; a notice only says "re-read this").
 */
public final class ControlBus implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ControlBus.class.getName());
    private final KafkaSettings settings;
    private final KafkaProducer<String, byte[]> producer;
    private final List<Consumer<ControlEvent>> listeners = new CopyOnWriteArrayList<>();
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean closed;

    public ControlBus(KafkaSettings settings, KafkaProducer<String, byte[]> producer) {
        this.settings = settings;
        this.producer = producer;
    }

    /** Publishes a notice (asynchronously; a failure is logged, the database already holds the truth). */
    public void publish(ControlEvent event) {
        producer.send(new ProducerRecord<>(Topics.CONTROL, event.entity(), Json.bytes(event)), (md, e) -> {
            if (e != null) {
                LOG.log(Level.WARNING, "control event " + event.type() + " not published: " + e.getMessage());
            }
        });
    }

    /** Adds a listener; the first call starts the consumer loop on a virtual thread. */
    public synchronized void listen(Consumer<ControlEvent> listener) {
        listeners.add(listener);
        if (consumer == null) {
            consumer = newConsumer();
            Thread.ofVirtual().name("control-bus").start(this::loop);
        }
    }

    private KafkaConsumer<String, byte[]> newConsumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "control-" + settings.clientId() + "-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return new KafkaConsumer<>(p);
    }

    private void loop() {
        KafkaConsumer<String, byte[]> c = consumer;
        try (c) {
            c.subscribe(List.of(Topics.CONTROL));
            while (!closed) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    dispatch(r);
                }
            }
        } catch (WakeupException e) {
            // close() woke us up: leave quietly
        }
    }

    private void dispatch(ConsumerRecord<String, byte[]> r) {
        ControlEvent event;
        try {
            event = Json.read(new ByteArrayInputStream(r.value()), ControlEvent.class);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "unreadable control event at offset " + r.offset() + ": " + e.getMessage());
            return;
        }
        for (Consumer<ControlEvent> l : listeners) {
            try {
                l.accept(event);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "control listener failed on " + event.type(), e);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }
}
