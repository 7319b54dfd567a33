package org.routstr.gateway;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

import org.routstr.common.events.Topics;
import org.routstr.common.events.UsageEvent;
import org.routstr.common.json.Json;
import org.routstr.common.kafka.Kafka;
import org.routstr.common.kafka.KafkaSettings;

/**
 * Reads usage events from the real topic in tests (a new consumer group each time, from the beginning).
 */
public final class UsageEvents {
    private UsageEvents() {
    }

    /** Waits up to {@code timeout} for the events of one key hash. */
    public static List<UsageEvent> of(KafkaSettings kafka, String keyHash, int atLeast, Duration timeout) {
        List<UsageEvent> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = Kafka.consumer(kafka, "test-" + UUID.randomUUID())) {
            c.subscribe(List.of(Topics.USAGE));
            long end = System.nanoTime() + timeout.toNanos();
            while (found.size() < atLeast && System.nanoTime() < end) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    UsageEvent e = Json.read(new ByteArrayInputStream(r.value()), UsageEvent.class);
                    if (e.keyHash().equals(keyHash)) {
                        found.add(e);
                    }
                }
            }
        }
        return found;
    }
}
