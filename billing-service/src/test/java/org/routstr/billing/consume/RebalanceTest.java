package org.routstr.billing.consume;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.routstr.common.events.UsageEvent;
import org.routstr.common.kafka.Kafka;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.ledger.Ledger;
import org.routstr.testsupport.RealInfra;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.routstr.billing.consume.UsageFixtures.await;
import static org.routstr.billing.consume.UsageFixtures.count;

/**
 * Two consumers in one group while events flow: the second joins (a rebalance), then the first leaves (another); every
 * event is settled once.
 */
@RealInfra
class RebalanceTest {
    private static final long DEPOSIT = 10_000_000_000L;
    private static final int EVENTS = 10_000;

    @Test
    @Timeout(150)
    void twoConsumersInOneGroupLoseAndDoubleNothing(DataSource ds, KafkaSettings kafka) throws Exception {
        String topic = "usage-rebalance-" + UUID.randomUUID();
        String group = "g-" + topic;
        UsageFixtures.createTopic(kafka, topic, 4);
        List<String> accounts = UsageFixtures.fundedAccounts(ds, 80, DEPOSIT);
        Random rnd = new Random(11);
        UsageFixtures.Traffic traffic = UsageFixtures.reservedTraffic(ds, accounts, EVENTS, 1_000, 20_000, rnd, "rebalance");
        List<UsageEvent> events = traffic.events();
        Map<String, Long> expected = traffic.expected();
        AtomicInteger byA = new AtomicInteger();
        AtomicInteger byB = new AtomicInteger();

        UsageConsumer a = new UsageConsumer(ds, kafka, small(group, topic), b -> byA.addAndGet(b.settled())).start();
        UsageConsumer b = null;
        try (KafkaProducer<String, byte[]> p = Kafka.producer(kafka)) {
            for (int i = 0; i < EVENTS; i++) {
                UsageFixtures.send(p, topic, events.get(i));
                if (i % 10 == 0) {
                    UsageFixtures.send(p, topic, events.get(rnd.nextInt(i + 1)));
                }
                if (i == EVENTS / 4) {
                    b = new UsageConsumer(ds, kafka, small(group, topic), x -> byB.addAndGet(x.settled())).start();
                }
                if (i == 3 * EVENTS / 4) {
                    a.close();
                }
                if (i % 50 == 0) {
                    Thread.sleep(10);
                }
            }
            p.flush();
            assertThat(await(Duration.ofSeconds(60), () -> settled(ds) == EVENTS), is(true));
        } finally {
            a.close();
            if (b != null) {
                b.close();
            }
        }

        assertThat("both consumers settled part of the stream", byA.get(), greaterThan(0));
        assertThat(byB.get(), greaterThan(0));
        assertThat(byA.get() + byB.get(), is(EVENTS));
        assertThat(count(ds, "SELECT count(*) FROM ledger WHERE kind = 'charge'"), is((long) EVENTS));
        Ledger ledger = new Ledger(ds);
        for (String acct : accounts) {
            assertThat(acct, ledger.account(acct).orElseThrow().balanceMsat(), is(DEPOSIT - expected.getOrDefault(acct, 0L)));
        }
        assertThat(UsageFixtures.conservation(ds), is("ok"));
    }

    private static ConsumerSettings small(String group, String topic) {
        return new ConsumerSettings(group, topic, 200, 2, Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofSeconds(6));
    }

    private static long settled(DataSource ds) {
        return count(ds, "SELECT count(*) FROM billing_processed_events WHERE outcome = 'settled'");
    }
}
