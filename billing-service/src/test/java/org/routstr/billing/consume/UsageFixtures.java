package org.routstr.billing.consume;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import javax.sql.DataSource;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import org.routstr.common.db.Db;
import org.routstr.common.events.UsageEvent;
import org.routstr.common.json.Json;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.ledger.Ledger;
import org.routstr.ledger.NewAccount;

/**
 * Test helpers for settlement: funded accounts, reservations made in bulk, usage events, topics, and the money sums the
 * tests compare.
 */
public final class UsageFixtures {
    private static final AtomicLong KEYS = new AtomicLong();

    private UsageFixtures() {
    }

    public static String newKeyHash() {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest(("sk-billing-" + System.nanoTime() + "-" + KEYS.incrementAndGet()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Opens {@code n} accounts, each with a deposit of {@code msat}. */
    public static List<String> fundedAccounts(DataSource ds, int n, long msat) {
        Ledger ledger = new Ledger(ds);
        List<String> hashes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String h = newKeyHash();
            ledger.open(NewAccount.of(h));
            ledger.credit(h, msat, "deposit:" + h, "test deposit");
            hashes.add(h);
        }
        return hashes;
    }

    /** Reserves {@code amounts[i]} on {@code keys[i]} under {@code ids[i]} in one round trip; all must succeed. */
    public static void reserveAll(DataSource ds, List<UUID> ids, List<String> keys, List<Long> amounts) {
        Db.withConnection(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT count(*) FILTER (WHERE r <> 'ok') FROM (SELECT ledger_reserve(id, k, a) AS r "
                    + "FROM unnest(?::uuid[], ?::text[], ?::int8[]) AS t (id, k, a)) x")) {
                ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
                ps.setArray(2, c.createArrayOf("text", keys.toArray()));
                ps.setArray(3, c.createArrayOf("int8", amounts.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) != 0) {
                        throw new IllegalStateException(rs.getLong(1) + " reservations failed");
                    }
                }
            }
            return null;
        });
    }

    /** Usage events with their reservations already made, and the charge each account should end up with. */
    public record Traffic(List<UsageEvent> events, Map<String, Long> expected) {
    }

    /**
     * {@code n} events on random accounts, each reserving {@code minReserved} plus up to {@code spread} msat and costing at
     * most its reservation; the reservations are made in the database before the events are returned.
     */
    public static Traffic reservedTraffic(DataSource ds, List<String> accounts, int n, long minReserved, int spread, Random rnd,
                                          String model) {
        List<UsageEvent> events = new ArrayList<>();
        Map<String, Long> expected = new HashMap<>();
        List<UUID> ids = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        List<Long> amounts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String acct = accounts.get(rnd.nextInt(accounts.size()));
            long reserved = minReserved + rnd.nextInt(spread);
            long cost = rnd.nextLong(reserved + 1);
            UUID id = UUID.randomUUID();
            ids.add(id);
            keys.add(acct);
            amounts.add(reserved);
            events.add(event(id, acct, reserved, cost, model));
            expected.merge(acct, cost, Long::sum);
        }
        reserveAll(ds, ids, keys, amounts);
        return new Traffic(events, expected);
    }

    public static UsageEvent event(UUID id, String account, long reserved, long cost, String model) {
        return new UsageEvent(UsageEvent.SCHEMA, id.toString(), account, account, model, "test-provider", "/v1/chat/completions",
                              200, reserved, cost, 100, 50, 0, 0, "usage", Instant.now());
    }

    public static void createTopic(KafkaSettings kafka, String topic, int partitions) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create topic " + topic, e);
        }
    }

    public static void send(KafkaProducer<String, byte[]> producer, String topic, UsageEvent e) {
        producer.send(new ProducerRecord<>(topic, e.accountHash(), Json.bytes(e)));
    }

    public static ConsumerSettings settings(String group, String topic) {
        return new ConsumerSettings(group, topic, 2000, Duration.ofMillis(100), Duration.ofMillis(200));
    }

    public static long count(DataSource ds, String sql) {
        return Db.withConnection(ds, c -> scalar(c, sql));
    }

    static long scalar(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Waits until {@code done} holds, up to {@code timeout}; false if it never did. */
    public static boolean await(Duration timeout, BooleanSupplier done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (done.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return done.getAsBoolean();
    }

    /**
     * The conservation law over the whole database: deposits (and positive adjustments) equal balances plus charges plus
     * refunds and withdrawals. Returns "ok" or what differs.
     */
    public static String conservation(DataSource ds) {
        return Db.withConnection(ds, c -> {
            long deposits = scalar(c, "SELECT coalesce(sum(amount_msat), 0) FROM ledger WHERE kind = 'deposit' "
                                      + "OR (kind = 'adjustment' AND amount_msat > 0)");
            long balances = scalar(c, "SELECT coalesce(sum(balance_msat), 0) FROM accounts WHERE parent_hash IS NULL");
            long charges = scalar(c, "SELECT coalesce(-sum(amount_msat), 0) FROM ledger WHERE kind = 'charge' "
                                     + "OR (kind = 'adjustment' AND amount_msat < 0)");
            long out = scalar(c, "SELECT coalesce(-sum(amount_msat), 0) FROM ledger WHERE kind IN ('refund', 'withdrawal', 'forfeit')");
            long negative = scalar(c, "SELECT count(*) FROM accounts WHERE balance_msat < reserved_msat");
            return deposits == balances + charges + out && negative == 0 ? "ok"
                    : "deposits " + deposits + " != balances " + balances + " + charges " + charges + " + refunds " + out
                      + " (accounts below zero available: " + negative + ")";
        });
    }
}
