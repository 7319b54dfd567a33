package org.routstr.billing.consume;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.routstr.common.events.UsageEvent;
import org.routstr.common.json.Json;
import org.routstr.common.kafka.Kafka;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.embedded.KafkaProcess;
import org.routstr.ledger.Ledger;
import org.routstr.testsupport.RealInfra;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.routstr.billing.consume.UsageFixtures.await;
import static org.routstr.billing.consume.UsageFixtures.count;

/**
 * The broker (a separate JVM on a fixed port) stops while events flow and comes back: no event is lost, none is charged
 * twice. The producer keeps what the broker did not acknowledge and sends it again, as the gateway's outbox does.
 */
@RealInfra
class BrokerOutageTest {
    private static final long DEPOSIT = 10_000_000_000L;
    private static final int EVENTS = 6_000;

    @Test
    @Timeout(150)
    void aBrokerOutageDuringTrafficLosesAndDoublesNothing(DataSource ds) throws Exception {
        List<String> accounts = UsageFixtures.fundedAccounts(ds, 50, DEPOSIT);
        Random rnd = new Random(3);
        UsageFixtures.Traffic traffic = UsageFixtures.reservedTraffic(ds, accounts, EVENTS, 1_000, 10_000, rnd, "outage");
        List<UsageEvent> events = traffic.events();
        Map<String, Long> expected = traffic.expected();

        try (KafkaProcess broker = KafkaProcess.start(KafkaProcess.tempDir(), 0)) {
            KafkaSettings kafka = new KafkaSettings(broker.bootstrapServers(), "outage-test");
            String topic = "usage-outage";
            UsageFixtures.createTopic(kafka, topic, 4);
            Queue<UsageEvent> unacked = new ConcurrentLinkedQueue<>();
            AtomicInteger acked = new AtomicInteger();
            try (KafkaProducer<String, byte[]> p = Kafka.producer(kafka);
                 UsageConsumer consumer = new UsageConsumer(ds, kafka, UsageFixtures.settings("g-outage", topic), b -> { })
                         .start()) {
                // the gateway side: a steady stream; sends that block or fail while the broker is away are kept for later
                Thread sender = Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < EVENTS; i++) {
                        send(p, topic, events.get(i), unacked, acked);
                        if (i % 100 == 0) {
                            sleep(20);
                        }
                    }
                });
                assertThat(await(Duration.ofSeconds(30), () -> settled(ds) > 500), is(true));
                broker.stop();
                long atStop = settled(ds);
                sleep(2_000);
                broker.start();
                sender.join();
                assertThat("the broker went down mid-stream", atStop < EVENTS, is(true));
                // what the broker never acknowledged goes again (possibly a second time: billing drops duplicates)
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (acked.get() < EVENTS && System.nanoTime() < deadline) {
                    p.flush();
                    UsageEvent e;
                    while ((e = unacked.poll()) != null) {
                        send(p, topic, e, unacked, acked);
                    }
                    sleep(200);
                }
                assertThat(acked.get(), is(EVENTS));
                assertThat(await(Duration.ofSeconds(60), () -> settled(ds) == EVENTS), is(true));
            }
        }

        assertThat(count(ds, "SELECT count(*) FROM ledger WHERE kind = 'charge'"), is((long) EVENTS));
        Ledger ledger = new Ledger(ds);
        for (String acct : accounts) {
            assertThat(acct, ledger.account(acct).orElseThrow().balanceMsat(), is(DEPOSIT - expected.getOrDefault(acct, 0L)));
        }
        assertThat(UsageFixtures.conservation(ds), is("ok"));
    }

    private static void send(KafkaProducer<String, byte[]> p, String topic, UsageEvent e, Queue<UsageEvent> unacked,
                             AtomicInteger acked) {
        try {
            p.send(new ProducerRecord<>(topic, e.accountHash(), Json.bytes(e)), (md, ex) -> {
                if (ex == null) {
                    acked.incrementAndGet();
                } else {
                    unacked.add(e);
                }
            });
        } catch (org.apache.kafka.common.KafkaException ex) {
            // the buffer is full or metadata is unavailable while the broker is down: keep it for later
            unacked.add(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long settled(DataSource ds) {
        return count(ds, "SELECT count(*) FROM billing_processed_events WHERE outcome = 'settled'");
    }
}
