package org.routstr.gateway.usage;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

import org.routstr.common.db.DbException;
import org.routstr.common.events.Topics;

/**
 * Drains the outbox to Kafka every {@code interval}: publish, wait for the ack, delete. A crash between ack and delete
 * republishes once; billing dedupes by request id.
 */
public final class OutboxRelay implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(OutboxRelay.class.getName());
    private final OutboxRepository outbox;
    private final Producer<String, byte[]> producer;
    private final Duration interval;
    private final Runnable delivered;
    private volatile boolean closed;
    private Thread thread;

    public OutboxRelay(OutboxRepository outbox, Producer<String, byte[]> producer, Duration interval) {
        this(outbox, producer, interval, () -> { });
    }

    /** {@code delivered} runs after each event Kafka acknowledged (the publisher learns Kafka is back). */
    public OutboxRelay(OutboxRepository outbox, Producer<String, byte[]> producer, Duration interval, Runnable delivered) {
        this.outbox = outbox;
        this.producer = producer;
        this.interval = interval;
        this.delivered = delivered;
    }

    /** Starts the loop on a virtual thread. */
    public OutboxRelay start() {
        thread = Thread.ofVirtual().name("usage-outbox-relay").start(this::loop);
        return this;
    }

    /** Publishes what is waiting; returns how many were delivered. */
    public int drainOnce() {
        int sent = 0;
        for (OutboxRepository.Entry e : outbox.oldest(200)) {
            try {
                producer.send(new ProducerRecord<>(Topics.USAGE, e.key(), e.payload())).get(10, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException ex) {
                return sent;
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return sent;
            }
            outbox.delete(e.id());
            delivered.run();
            sent++;
        }
        return sent;
    }

    private void loop() {
        while (!closed) {
            try {
                int n = drainOnce();
                if (n > 0) {
                    LOG.log(Level.INFO, "usage outbox: delivered " + n + " events");
                }
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                return;
            } catch (DbException e) {
                LOG.log(Level.WARNING, "usage outbox unreachable: " + e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
