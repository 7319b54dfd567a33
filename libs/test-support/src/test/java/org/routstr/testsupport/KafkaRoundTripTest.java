package org.routstr.testsupport;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import org.routstr.common.events.Topics;
import org.routstr.common.events.UsageEvent;
import org.routstr.common.json.Json;
import org.routstr.common.kafka.Kafka;
import org.routstr.common.kafka.KafkaSettings;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * The node's Kafka wiring against a real broker: an idempotent {@code acks=all} producer, a manual-commit consumer, and a
 * second consumer in the same group that resumes after the committed offset.
 */
@RealInfra
class KafkaRoundTripTest {
    @Test
    void usageEventsRoundTripWithManualCommits(KafkaSettings kafka) {
        Kafka.ensureTopics(kafka, 3, (short) 1);
        String group = "roundtrip-" + UUID.randomUUID();
        List<UsageEvent> sent = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = Kafka.producer(kafka)) {
            for (int i = 0; i < 20; i++) {
                UsageEvent e = new UsageEvent(UsageEvent.SCHEMA, UUID.randomUUID().toString(), "a".repeat(64), "a".repeat(64),
                                              "gpt-test", "p1", "chat/completions", 200, 5_000, 1_234 + i, 10, 20, 0, 0,
                                              "usage", Instant.now());
                producer.send(new ProducerRecord<>(Topics.USAGE, e.accountHash(), Json.bytes(e)));
                sent.add(e);
            }
            producer.flush();
        }
        List<UsageEvent> first = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = Kafka.consumer(kafka, group)) {
            consumer.subscribe(List.of(Topics.USAGE));
            ConsumerRecord<String, byte[]> last = null;
            long deadline = System.currentTimeMillis() + 30_000;
            while (first.size() < 10 && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (first.size() < 10) {
                        first.add(Json.read(new java.io.ByteArrayInputStream(r.value()), UsageEvent.class));
                        last = r;
                    }
                }
            }
            assertThat(first.size(), is(10));
            // commit only the first ten: the rest must be delivered again to the next consumer of the group
            consumer.commitSync(Map.of(new TopicPartition(last.topic(), last.partition()), new OffsetAndMetadata(last.offset() + 1)));
        }
        List<UsageEvent> rest = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = Kafka.consumer(kafka, group)) {
            consumer.subscribe(List.of(Topics.USAGE));
            long deadline = System.currentTimeMillis() + 30_000;
            while (first.size() + rest.size() < 20 && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    rest.add(Json.read(new java.io.ByteArrayInputStream(r.value()), UsageEvent.class));
                }
            }
        }
        List<UsageEvent> all = new ArrayList<>(first);
        all.addAll(rest);
        assertThat(all.size(), is(20));
        assertThat(all.stream().map(UsageEvent::requestId).sorted().toList(),
                   is(sent.stream().map(UsageEvent::requestId).sorted().toList()));
        assertThat(all.stream().mapToLong(UsageEvent::costMsat).sum(), is(sent.stream().mapToLong(UsageEvent::costMsat).sum()));
    }
}
