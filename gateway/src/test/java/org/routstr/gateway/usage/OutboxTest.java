package org.routstr.gateway.usage;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;

import org.junit.jupiter.api.Test;
import org.routstr.common.events.UsageEvent;
import org.routstr.common.kafka.Kafka;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.gateway.UsageEvents;
import org.routstr.testsupport.RealInfra;
import org.routstr.testsupport.TestDb;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * Kafka unreachable: usage events land in the outbox table; once Kafka answers, the relay delivers them and empties it.
 */
@RealInfra
class OutboxTest {
    @Test
    void eventsSurviveKafkaBeingDown(TestDb db, KafkaSettings kafka) throws Exception {
        OutboxRepository outbox = new OutboxRepository(db.dataSource());
        String keyHash = UUID.randomUUID().toString().replace("-", "");
        UsageEvent event = new UsageEvent(UsageEvent.SCHEMA, UUID.randomUUID().toString(), keyHash, keyHash, "standin-gpt", "primary",
                                          "chat/completions", 200, 5000, 1234, 4, 10, 0, 0, "usage", Instant.now());
        // nothing listens on port 9: the producer cannot fetch metadata and gives up after max.block.ms
        try (KafkaProducer<String, byte[]> down = Kafka.producer(new KafkaSettings("127.0.0.1:9", "gateway-down"))) {
            new UsagePublisher(down, outbox).publish(event);
            long end = System.nanoTime() + Duration.ofSeconds(40).toNanos();
            while (outbox.size() == 0 && System.nanoTime() < end) {
                Thread.sleep(100);
            }
        }
        assertThat(outbox.size(), is(1L));
        try (KafkaProducer<String, byte[]> up = Kafka.producer(kafka);
             OutboxRelay relay = new OutboxRelay(outbox, up, Duration.ofMillis(100)).start()) {
            List<UsageEvent> delivered = UsageEvents.of(kafka, keyHash, 1, Duration.ofSeconds(30));
            assertThat(delivered.size(), is(1));
            assertThat(delivered.getFirst().costMsat(), is(1234L));
            assertThat(delivered.getFirst().requestId(), is(event.requestId()));
        }
        assertThat(outbox.size(), is(0L));
    }
}
