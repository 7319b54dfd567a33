package org.routstr.billing.orphan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import org.apache.kafka.clients.producer.KafkaProducer;

import org.junit.jupiter.api.Test;

import org.routstr.billing.consume.UsageConsumer;
import org.routstr.billing.consume.UsageFixtures;
import org.routstr.common.db.Db;
import org.routstr.common.kafka.Kafka;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.ledger.Ledger;
import org.routstr.testsupport.RealInfra;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * Issue 11: after a crash, reservations whose heartbeats lapsed long ago while their usage events still wait on the topic
 * (billing was down too) are not swept as orphans before billing has consumed the topic to its end; billing settles them
 * at their real cost and nothing is charged and given back. The sweep of before (heartbeat older than orphan-after, topic
 * ignored) charged all of them their whole reservation first.
 */
@RealInfra
class OrphanSweepCatchUpTest {
    private static final long DEPOSIT = 10_000_000;

    @Test
    void lapsedReservationsWithEventsOnTheTopicAreSettledByTheirEventsNotSwept(DataSource ds, KafkaSettings kafka) throws Exception {
        String topic = "usage-catch-up-" + UUID.randomUUID();
        String group = "billing-" + topic;
        UsageFixtures.createTopic(kafka, topic, 2);
        String acct = UsageFixtures.fundedAccounts(ds, 1, DEPOSIT).getFirst();
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(UUID.randomUUID());
        }
        UsageFixtures.reserveAll(ds, ids, ids.stream().map(x -> acct).toList(), ids.stream().map(x -> 45_000L).toList());
        Db.withConnection(ds, c -> {
            try (var st = c.createStatement()) {
                return st.executeUpdate("UPDATE reservations SET heartbeat_at = now() - interval '10 minutes' WHERE account_hash = '"
                                        + acct + "'");
            }
        });
        try (KafkaProducer<String, byte[]> producer = Kafka.producer(kafka)) {
            for (UUID id : ids) {
                UsageFixtures.send(producer, topic, UsageFixtures.event(id, acct, 45_000, 350, "catch-up"));
            }
            producer.flush();
        }
        OrphanSweeper sweeper = OrphanSweeper.watching(ds, Duration.ofSeconds(120), Duration.ofSeconds(30), kafka, group, topic);
        try (sweeper) {
            assertThat("swept before billing consumed the topic", sweeper.sweep(), is(0));
            try (UsageConsumer consumer = new UsageConsumer(ds, kafka, UsageFixtures.settings(group, topic), b -> { }).start()) {
                assertThat(UsageFixtures.await(Duration.ofSeconds(60), () -> new Ledger(ds).account(acct).orElseThrow().reservedMsat() == 0),
                           is(true));
                assertThat(sweeper.sweep(), is(0));
            }
        }
        assertThat(UsageFixtures.count(ds, "SELECT count(*) FROM billing_orphans o JOIN reservations r ON r.id = o.reservation_id"
                                           + " WHERE r.account_hash = '" + acct + "'"), is(0L));
        assertThat(new Ledger(ds).account(acct).orElseThrow().balanceMsat(), is(DEPOSIT - 20 * 350));
        assertThat(UsageFixtures.conservation(ds), is("ok"));
    }
}
