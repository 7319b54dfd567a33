package org.routstr.billing.consume;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import javax.sql.DataSource;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

import org.routstr.billing.consume.SettlementRepository.Applied;
import org.routstr.billing.consume.SettlementRepository.Usage;
import org.routstr.common.db.Db;
import org.routstr.common.events.UsageEvent;
import org.routstr.common.kafka.Kafka;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.ledger.Account;
import org.routstr.ledger.Ledger;
import org.routstr.testsupport.RealInfra;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.routstr.billing.consume.UsageFixtures.await;
import static org.routstr.billing.consume.UsageFixtures.count;

@RealInfra
class UsageConsumerTest {
    private static final long DEPOSIT = 1_000_000_000L;

    @Test
    void replayingTheSameBatchChargesOnce(DataSource ds) {
        String acct = UsageFixtures.fundedAccounts(ds, 1, DEPOSIT).getFirst();
        List<UUID> ids = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        UsageFixtures.reserveAll(ds, ids, List.of(acct, acct, acct), List.of(10_000L, 10_000L, 10_000L));
        List<Usage> batch = ids.stream().map(id -> new Usage(id, UsageFixtures.event(id, acct, 10_000, 7_000, "m"))).toList();

        Applied first = Db.inTransaction(ds, c -> SettlementRepository.apply(c, batch));
        Applied second = Db.inTransaction(ds, c -> SettlementRepository.apply(c, batch));

        assertThat(first.settled(), is(3));
        assertThat(second.settled(), is(0));
        assertThat(second.duplicates(), is(3));
        Account a = new Ledger(ds).account(acct).orElseThrow();
        assertThat(a.balanceMsat(), is(DEPOSIT - 21_000));
        assertThat(a.reservedMsat(), is(0L));
        assertThat(a.spentMsat(), is(21_000L));
        assertThat(count(ds, "SELECT count(*) FROM ledger WHERE kind = 'charge' AND account_hash = '" + acct + "'"), is(3L));
        assertThat(count(ds, "SELECT requests FROM usage_hourly WHERE model = 'm'"), is(3L));
    }

    @Test
    void duplicatesInsideOneBatchAndUnknownReservationsAreSkipped(DataSource ds) {
        String acct = UsageFixtures.fundedAccounts(ds, 1, DEPOSIT).getFirst();
        UUID id = UUID.randomUUID();
        UUID unknown = UUID.randomUUID();
        UsageFixtures.reserveAll(ds, List.of(id), List.of(acct), List.of(5_000L));
        Usage u = new Usage(id, UsageFixtures.event(id, acct, 5_000, 4_000, "dup-model"));
        Usage ghost = new Usage(unknown, UsageFixtures.event(unknown, acct, 5_000, 4_000, "dup-model"));

        Applied a = Db.inTransaction(ds, c -> SettlementRepository.apply(c, List.of(u, u, ghost, u)));

        assertThat(a.settled(), is(1));
        assertThat(a.duplicates(), is(2));
        assertThat(a.unknown(), is(1));
        assertThat(new Ledger(ds).account(acct).orElseThrow().balanceMsat(), is(DEPOSIT - 4_000));
        assertThat(count(ds, "SELECT count(*) FROM billing_processed_events WHERE outcome = 'unknown' AND request_id = '"
                             + unknown + "'"), is(1L));
    }

    @Test
    void childKeysInABatchSettleThroughTheLedgerNextToSetBasedOnes(DataSource ds) {
        Ledger ledger = new Ledger(ds);
        String parent = UsageFixtures.fundedAccounts(ds, 1, 100_000).getFirst();
        String plain = UsageFixtures.fundedAccounts(ds, 1, 100_000).getFirst();
        String child = UsageFixtures.newKeyHash();
        ledger.open(org.routstr.ledger.NewAccount.child(child, parent, java.util.Optional.of(50_000L), java.util.Optional.empty()));
        UUID byChild = UUID.randomUUID();
        UUID byParent = UUID.randomUUID();
        UUID byPlain = UUID.randomUUID();
        UsageFixtures.reserveAll(ds, List.of(byChild, byParent, byPlain), List.of(child, parent, plain),
                                 List.of(20_000L, 10_000L, 10_000L));
        var childEvent = new UsageEvent(UsageEvent.SCHEMA, byChild.toString(), parent, child, "mix", "p", "/v1/chat/completions",
                                        200, 20_000, 12_000, 1, 1, 0, 0, "usage", java.time.Instant.now());
        List<Usage> batch = List.of(new Usage(byChild, childEvent),
                                    new Usage(byParent, UsageFixtures.event(byParent, parent, 10_000, 3_000, "mix")),
                                    new Usage(byPlain, UsageFixtures.event(byPlain, plain, 10_000, 4_000, "mix")));

        assertThat(Db.inTransaction(ds, c -> SettlementRepository.apply(c, batch)).settled(), is(3));

        Account p = ledger.account(parent).orElseThrow();
        Account ch = ledger.account(child).orElseThrow();
        assertThat(p.balanceMsat(), is(100_000L - 15_000));
        assertThat(p.reservedMsat(), is(0L));
        assertThat(ch.reservedMsat(), is(0L));
        assertThat(ch.spentMsat(), is(12_000L));
        assertThat(ch.windowSpentMsat(), is(12_000L));
        assertThat(ledger.account(plain).orElseThrow().balanceMsat(), is(96_000L));
        assertThat(count(ds, "SELECT count(*) FROM reservations r JOIN ledger l ON l.reservation_id = r.id WHERE r.id IN ('"
                             + byChild + "', '" + byParent + "', '" + byPlain + "') AND -l.amount_msat = r.charged_msat"), is(3L));
        assertThat(UsageFixtures.conservation(ds), is("ok"));
    }

    @Test
    void anOverrunIsChargedAsItsReservationCountedAndNeverTouchesOtherReservations(DataSource ds) {
        String acct = UsageFixtures.fundedAccounts(ds, 1, 10_000).getFirst();
        UUID overrun = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        UsageFixtures.reserveAll(ds, List.of(overrun, other), List.of(acct, acct), List.of(4_000L, 5_000L));
        Usage u = new Usage(overrun, UsageFixtures.event(overrun, acct, 4_000, 9_000, "big"));

        Applied applied = Db.inTransaction(ds, c -> SettlementRepository.apply(c, List.of(u)));

        assertThat(applied.overruns(), is(1));
        assertThat(applied.overrunMsat(), is(5_000L));
        Account a = new Ledger(ds).account(acct).orElseThrow();
        assertThat("the other request's 5000 stay reserved", a.reservedMsat(), is(5_000L));
        assertThat("charged the 4000 reserved, not the 9000 the upstream billed", a.balanceMsat(), is(6_000L));
        assertThat(a.availableMsat(), is(1_000L));
        assertThat(count(ds, "SELECT unpaid_msat FROM ledger WHERE reservation_id = '" + overrun + "'"), is(5_000L));
        assertThat(count(ds, "SELECT unpaid_msat FROM usage_hourly WHERE model = 'big'"), is(5_000L));
    }

    @Test
    void poisonMessagesAreSkippedAndEventsSentTwiceOverKafkaChargeOnce(DataSource ds, KafkaSettings kafka) {
        String topic = "usage-replay-" + UUID.randomUUID();
        UsageFixtures.createTopic(kafka, topic, 2);
        String acct = UsageFixtures.fundedAccounts(ds, 1, DEPOSIT).getFirst();
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            ids.add(UUID.randomUUID());
        }
        UsageFixtures.reserveAll(ds, ids, ids.stream().map(i -> acct).toList(), ids.stream().map(i -> 1_000L).toList());
        try (KafkaProducer<String, byte[]> p = Kafka.producer(kafka);
             UsageConsumer consumer = new UsageConsumer(ds, kafka, UsageFixtures.settings("g-" + topic, topic), b -> { })) {
            p.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, acct, "{not json".getBytes()));
            p.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, acct, "{\"requestId\":\"x\"}".getBytes()));
            for (int round = 0; round < 2; round++) {
                ids.forEach(id -> UsageFixtures.send(p, topic, UsageFixtures.event(id, acct, 1_000, 600, "replay")));
            }
            p.flush();
            consumer.start();
            assertThat(await(Duration.ofSeconds(30), () -> storedOffsets(ds, "g-" + topic) == 102), is(true));
        }
        assertThat(new Ledger(ds).account(acct).orElseThrow().balanceMsat(), is(DEPOSIT - 50 * 600));
        assertThat(count(ds, "SELECT count(*) FROM billing_processed_events WHERE account_hash = '" + acct + "'"), is(50L));
    }

    @Test
    void twentyThousandEventsWithDuplicatesAndARestartSettleToTheMsat(DataSource ds, KafkaSettings kafka) {
        String topic = "usage-20k-" + UUID.randomUUID();
        String group = "g-" + topic;
        UsageFixtures.createTopic(kafka, topic, 4);
        long before = processed(ds);
        List<String> accounts = UsageFixtures.fundedAccounts(ds, 200, DEPOSIT);
        Random rnd = new Random(42);
        List<UsageEvent> events = new ArrayList<>();
        List<UUID> ids = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        List<Long> amounts = new ArrayList<>();
        Map<String, Long> expected = new HashMap<>();
        for (int i = 0; i < 20_000; i++) {
            String acct = accounts.get(rnd.nextInt(accounts.size()));
            UUID id = UUID.randomUUID();
            long reserved = 1_000 + rnd.nextInt(50_000);
            long cost = rnd.nextLong(reserved + 1);
            ids.add(id);
            keys.add(acct);
            amounts.add(reserved);
            events.add(UsageFixtures.event(id, acct, reserved, cost, "model-" + (i % 7)));
            expected.merge(acct, cost, Long::sum);
        }
        UsageFixtures.reserveAll(ds, ids, keys, amounts);
        List<UsageEvent> stream = new ArrayList<>(events);
        for (int i = 0; i < 3_000; i++) {
            stream.add(rnd.nextInt(stream.size()), events.get(rnd.nextInt(events.size())));
        }
        try (KafkaProducer<String, byte[]> p = Kafka.producer(kafka)) {
            stream.forEach(e -> UsageFixtures.send(p, topic, e));
            p.flush();
        }

        try (UsageConsumer first = new UsageConsumer(ds, kafka, smallBatches(group, topic), b -> { }).start()) {
            assertThat(await(Duration.ofSeconds(60), () -> processed(ds) - before > 5_000), is(true));
        }
        long afterFirst = processed(ds) - before;
        assertThat("the first consumer stopped mid-stream", afterFirst < 20_000, is(true));
        try (UsageConsumer second = new UsageConsumer(ds, kafka, UsageFixtures.settings(group, topic), b -> { }).start()) {
            assertThat(await(Duration.ofSeconds(90), () -> storedOffsets(ds, group) == stream.size()), is(true));
        }

        assertThat(processed(ds) - before, is(20_000L));
        Ledger ledger = new Ledger(ds);
        for (String acct : accounts) {
            Account a = ledger.account(acct).orElseThrow();
            long spent = expected.getOrDefault(acct, 0L);
            assertThat(acct, a.balanceMsat(), is(DEPOSIT - spent));
            assertThat(a.spentMsat(), is(spent));
            assertThat(a.reservedMsat(), is(0L));
        }
        assertThat(count(ds, "SELECT sum(requests) FROM usage_hourly WHERE model LIKE 'model-%'"), is(20_000L));
        assertThat(UsageFixtures.conservation(ds), is("ok"));
    }

    private static ConsumerSettings smallBatches(String group, String topic) {
        return new ConsumerSettings(group, topic, 500, Duration.ofMillis(100), Duration.ofMillis(200));
    }

    static long processed(DataSource ds) {
        return count(ds, "SELECT count(*) FROM billing_processed_events WHERE outcome = 'settled'");
    }

    static long storedOffsets(DataSource ds, String group) {
        return count(ds, "SELECT coalesce(sum(next_offset), 0) FROM billing_offsets WHERE group_id = '" + group + "'");
    }
}
