package org.routstr.billing.housekeeping;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

import org.routstr.billing.consume.UsageFixtures;
import org.routstr.common.db.Db;
import org.routstr.common.events.ControlEvent;
import org.routstr.common.events.Topics;
import org.routstr.common.json.Json;
import org.routstr.common.kafka.ControlBus;
import org.routstr.common.kafka.Kafka;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.ledger.Ledger;
import org.routstr.ledger.LimitReset;
import org.routstr.ledger.NewAccount;
import org.routstr.ledger.ReserveResult;
import org.routstr.testsupport.RealInfra;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

@RealInfra
class HousekeepingTest {
    @Test
    void resetsLimitWindowsThatHavePassedOnlyOnce(DataSource ds, KafkaSettings kafka) {
        Ledger ledger = new Ledger(ds);
        String parent = UsageFixtures.fundedAccounts(ds, 1, 1_000_000).getFirst();
        String daily = UsageFixtures.newKeyHash();
        String monthly = UsageFixtures.newKeyHash();
        ledger.open(NewAccount.child(daily, parent, Optional.of(10_000L), Optional.of(LimitReset.DAILY)));
        ledger.open(NewAccount.child(monthly, parent, Optional.of(10_000L), Optional.of(LimitReset.MONTHLY)));
        for (String child : List.of(daily, monthly)) {
            UUID id = UUID.randomUUID();
            assertThat(ledger.reserve(id, child, 10_000), is(ReserveResult.OK));
            ledger.settle(id, 10_000, "spend the whole limit");
            assertThat(ledger.reserve(UUID.randomUUID(), child, 1), is(ReserveResult.OVER_LIMIT));
        }
        // the daily window began yesterday; the monthly one is still this month's
        exec(ds, "UPDATE accounts SET window_start = date_trunc('day', now()) - interval '1 day' WHERE key_hash = '" + daily + "'");

        try (KafkaProducer<String, byte[]> p = Kafka.producer(kafka);
             Housekeeping jobs = new Housekeeping(ds, new ControlBus(kafka, p), Duration.ofHours(1), Duration.ofDays(30))) {
            assertThat(jobs.resetLimits(), is(1));
            assertThat("idempotent", jobs.resetLimits(), is(0));
        }
        assertThat(ledger.account(daily).orElseThrow().windowSpentMsat(), is(0L));
        assertThat(ledger.account(monthly).orElseThrow().windowSpentMsat(), is(10_000L));
        assertThat(ledger.reserve(UUID.randomUUID(), daily, 5_000), is(ReserveResult.OK));
        assertThat(ledger.account(daily).orElseThrow().spentMsat(), is(10_000L));
    }

    @Test
    void prunesOnlyProcessedEventsOlderThanTheRetention(DataSource ds, KafkaSettings kafka) {
        String account = UsageFixtures.newKeyHash();
        UUID old = UUID.randomUUID();
        UUID recent = UUID.randomUUID();
        exec(ds, "INSERT INTO billing_processed_events (request_id, account_hash, cost_msat, outcome, processed_at) VALUES ('"
                 + old + "', '" + account + "', 5, 'settled', now() - interval '31 days'), ('"
                 + recent + "', '" + account + "', 5, 'settled', now() - interval '29 days')");
        try (KafkaProducer<String, byte[]> p = Kafka.producer(kafka);
             Housekeeping jobs = new Housekeeping(ds, new ControlBus(kafka, p), Duration.ofHours(1), Duration.ofDays(30))) {
            assertThat(jobs.pruneProcessed(), is(1));
            assertThat("idempotent", jobs.pruneProcessed(), is(0));
        }
        assertThat(count(ds, "SELECT count(*) FROM billing_processed_events WHERE request_id = '" + old + "'"), is(0L));
        assertThat(count(ds, "SELECT count(*) FROM billing_processed_events WHERE request_id = '" + recent + "'"), is(1L));
    }

    @Test
    void prunesPerRequestUsageRowsOlderThanTheRetention(DataSource ds, KafkaSettings kafka) {
        UUID old = UUID.randomUUID();
        UUID recent = UUID.randomUUID();
        String key = UsageFixtures.newKeyHash();
        exec(ds, "INSERT INTO billing_request_usage (request_id, key_hash, model, status, input_tokens, output_tokens, cached_tokens,"
                 + " cost_msat, at) VALUES ('" + old + "', '" + key + "', 'm', 200, 1, 2, 0, 5, now() - interval '31 days'), ('"
                 + recent + "', '" + key + "', 'm', 200, 1, 2, 0, 5, now() - interval '29 days')");
        try (KafkaProducer<String, byte[]> p = Kafka.producer(kafka);
             Housekeeping jobs = new Housekeeping(ds, new ControlBus(kafka, p), Duration.ofHours(1), Duration.ofDays(30))) {
            assertThat(jobs.pruneRequestUsage(), is(1));
            assertThat("idempotent", jobs.pruneRequestUsage(), is(0));
        }
        assertThat(count(ds, "SELECT count(*) FROM billing_request_usage WHERE key_hash = '" + key + "'"), is(1L));
    }

    private static long count(DataSource ds, String sql) {
        return Db.withConnection(ds, c -> {
            try (var st = c.createStatement(); var rs = st.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Test
    void marksExpiredKeysAndAnnouncesThem(DataSource ds, KafkaSettings kafka) {
        Ledger ledger = new Ledger(ds);
        String expired = UsageFixtures.newKeyHash();
        String live = UsageFixtures.newKeyHash();
        ledger.open(new NewAccount(expired, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                                   Optional.of(Instant.now().minusSeconds(60)), Optional.of("user@example.com"),
                                   Optional.empty(), Optional.empty()));
        ledger.open(new NewAccount(live, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                                   Optional.of(Instant.now().plusSeconds(3600)), Optional.empty(), Optional.empty(),
                                   Optional.empty()));

        try (KafkaProducer<String, byte[]> p = Kafka.producer(kafka);
             Housekeeping jobs = new Housekeeping(ds, new ControlBus(kafka, p), Duration.ofHours(1), Duration.ofDays(30))) {
            assertThat(jobs.expireKeys(), is(List.of(expired)));
            assertThat("idempotent", jobs.expireKeys(), is(List.of()));
        }
        assertThat(ledger.account(expired).orElseThrow().status(), is("expired"));
        assertThat(ledger.account(live).orElseThrow().status(), is("active"));
        List<String> announced = controlEntities(kafka, "key.changed");
        assertThat(announced, hasItem(expired));
        assertThat(announced, not(hasItem(live)));
    }

    /** Reads the control topic from the start and returns the entities of events of {@code type}. */
    private static List<String> controlEntities(KafkaSettings kafka, String type) {
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = Kafka.consumer(kafka, "control-reader-" + UUID.randomUUID())) {
            c.subscribe(List.of(Topics.CONTROL));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline && out.isEmpty()) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    ControlEvent e = Json.read(r.value(), ControlEvent.class);
                    if (e.type().equals(type)) {
                        out.add(e.entity());
                    }
                }
            }
            for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                ControlEvent e = Json.read(r.value(), ControlEvent.class);
                if (e.type().equals(type)) {
                    out.add(e.entity());
                }
            }
        }
        return out;
    }

    private static void exec(DataSource ds, String sql) {
        Db.withConnection(ds, c -> {
            try (var st = c.createStatement()) {
                return st.execute(sql);
            }
        });
    }
}
