package org.routstr.billing.consume;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.routstr.common.events.UsageEvent;
import org.routstr.common.kafka.Kafka;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.ledger.Account;
import org.routstr.ledger.Ledger;
import org.routstr.testsupport.RealInfra;
import org.routstr.testsupport.TestDb;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.routstr.billing.consume.UsageFixtures.await;
import static org.routstr.billing.consume.UsageFixtures.count;

/**
 * A billing process in its own JVM is killed with {@code kill -9} while it settles under load, then restarted: every
 * event is charged exactly once and money is conserved.
 */
@RealInfra
class CrashTest {
    private static final long DEPOSIT = 10_000_000_000L;
    private static final int EVENTS = 20_000;

    @Test
    @Timeout(150)
    void killedMidBatchAndRestartedChargesEveryEventExactlyOnce(TestDb db, KafkaSettings kafka) throws Exception {
        DataSource ds = db.dataSource();
        String topic = "usage-crash-" + UUID.randomUUID();
        String group = "g-" + topic;
        UsageFixtures.createTopic(kafka, topic, 4);
        List<String> accounts = UsageFixtures.fundedAccounts(ds, 100, DEPOSIT);
        Random rnd = new Random(7);
        UsageFixtures.Traffic traffic = UsageFixtures.reservedTraffic(ds, accounts, EVENTS, 5_000, 100_000, rnd, "crash");
        List<UsageEvent> events = traffic.events();
        Map<String, Long> expected = traffic.expected();

        Process child = startChild(db, kafka, group, topic);
        Thread producer = Thread.ofPlatform().start(() -> produceSteadily(kafka, topic, events, rnd));
        try {
            assertThat("the child settles under load", await(Duration.ofSeconds(40), () -> settled(ds) > 4_000), is(true));
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            long atKill = settled(ds);
            assertThat("killed mid-stream", atKill < EVENTS, is(true));
            child = startChild(db, kafka, group, topic);
            producer.join();
            Process running = child;
            assertThat(await(Duration.ofSeconds(60), () -> settled(ds) == EVENTS && running.isAlive()), is(true));
            Thread.sleep(500);
            System.out.printf("[crash-test] settled %d before the kill%n", atKill);
        } finally {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            producer.join();
        }

        assertThat(settled(ds), is((long) EVENTS));
        assertThat(count(ds, "SELECT count(*) FROM ledger WHERE kind = 'charge'"), is((long) EVENTS));
        Ledger ledger = new Ledger(ds);
        for (String acct : accounts) {
            Account a = ledger.account(acct).orElseThrow();
            assertThat(acct, a.balanceMsat(), is(DEPOSIT - expected.getOrDefault(acct, 0L)));
            assertThat(a.reservedMsat(), is(0L));
        }
        assertThat(UsageFixtures.conservation(ds), is("ok"));
    }

    /** Sends every event (plus 10 % duplicates) over about four seconds. */
    private static void produceSteadily(KafkaSettings kafka, String topic, List<UsageEvent> events, Random rnd) {
        try (KafkaProducer<String, byte[]> p = Kafka.producer(kafka)) {
            int perTick = events.size() / 80;
            for (int i = 0; i < events.size(); i++) {
                UsageFixtures.send(p, topic, events.get(i));
                if (i % 10 == 0) {
                    UsageFixtures.send(p, topic, events.get(rnd.nextInt(i + 1)));
                }
                if (i % perTick == 0) {
                    Thread.sleep(50);
                }
            }
            p.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long settled(DataSource ds) {
        return count(ds, "SELECT count(*) FROM billing_processed_events WHERE outcome = 'settled'");
    }

    private static Process startChild(TestDb db, KafkaSettings kafka, String group, String topic) {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                                   "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                                   BillingProcessMain.class.getName(), db.settings().url(), db.settings().user(),
                                   db.settings().password(), kafka.bootstrapServers(), group, topic);
        try {
            File log = File.createTempFile("billing-child", ".log");
            return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
