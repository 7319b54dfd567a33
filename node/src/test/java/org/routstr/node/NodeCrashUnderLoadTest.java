package org.routstr.node;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.routstr.common.keys.ApiKeys;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

/**
 * Issue 11's acceptance: {@code kill -9} of the node under paid load (8 connections, 8 keys), then a plain start on the same
 * folder. Every key ends exact to the msat: what it spent is what the replies it got said they cost plus what the truly
 * orphaned requests (in flight at the kill) were charged, and no reservation is first charged as an orphan and corrected
 * later (a "false orphan charge": its usage event was still on the topic while billing caught up).
 */
class NodeCrashUnderLoadTest {
    private static final int CONNECTIONS = 8;
    private static final long DEPOSIT = 2_000_000;

    @TempDir
    Path dir;

    @Test
    void kill9UnderPaidLoadThenAPlainStartEndsExactWithNoFalseOrphanCharge() throws Exception {
        Path data = dir.resolve("data");
        Map<String, String> env = NodeRestartTest.demoEnv();
        // the shortest orphan rule billing accepts, swept every second: it runs while billing still catches up after the restart
        env.put("GATEWAY_HEARTBEAT_dash_INTERVAL", "PT1S");
        env.put("BILLING_ORPHAN_dash_AFTER", "30s");
        env.put("BILLING_ORPHAN_dash_SWEEP_dash_INTERVAL", "1s");
        List<String> keys = new ArrayList<>();
        // per connection (one key each, one request at a time): the cost of every reply in order, any other status, and
        // whether its last request was cut off by the kill
        List<List<Long>> replies = new ArrayList<>();
        List<List<Integer>> refused = new ArrayList<>();
        boolean[] cut = new boolean[CONNECTIONS];
        for (int i = 0; i < CONNECTIONS; i++) {
            replies.add(new ArrayList<>());
            refused.add(new ArrayList<>());
        }
        AtomicLong ok = new AtomicLong();
        try (NodeProcess node = NodeProcess.start(data, env, dir.resolve("console-1.txt"))) {
            JsonNode info = node.awaitReady(Duration.ofSeconds(240));
            String api = info.get("api").asText();
            for (int i = 0; i < CONNECTIONS; i++) {
                String token = Http.post(info.get("demo").asText() + "/demo/token", null, Map.of("amount_sat", DEPOSIT / 1000)).json()
                        .get("token").asText();
                keys.add(Http.post(api + "/v1/wallet/create", null, Map.of("cashu_token", token)).json().get("api_key").asText());
            }
            AtomicBoolean dead = new AtomicBoolean();
            try (ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS)) {
                for (int i = 0; i < CONNECTIONS; i++) {
                    int c = i;
                    pool.submit(() -> {
                        while (!dead.get()) {
                            try {
                                Http.Reply r = Http.post(api + "/v1/chat/completions", keys.get(c), Map.of("model", "standin-gpt",
                                        "messages", new Object[] {Map.of("role", "user", "content", "crash me " + c)}));
                                if (r.status() == 200) {
                                    replies.get(c).add(r.json().at("/usage/cost/total_msats").asLong());
                                    ok.incrementAndGet();
                                } else {
                                    refused.get(c).add(r.status());
                                }
                            } catch (RuntimeException e) {
                                cut[c] = true;
                                return;
                            }
                        }
                    });
                }
                Thread.sleep(8_000);
                // a loaded machine serves fewer: keep the load on until it has served a few hundred (at most 90 s more)
                long loadDeadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (ok.get() < 200 && System.nanoTime() < loadDeadline) {
                    Thread.sleep(200);
                }
                node.kill9();
                dead.set(true);
            }
        }
        assertThat(ok.get(), greaterThan(50L));
        // down long enough that every reservation of before the kill has lapsed by the time the node is back
        Thread.sleep(25_000);
        long restart = System.nanoTime();
        try (NodeProcess node = NodeProcess.start(data, env, dir.resolve("console-2.txt"))) {
            JsonNode info = node.awaitReady(Duration.ofSeconds(240));
            long ready = System.nanoTime() - restart;
            try (Connection db = DriverManager.getConnection(info.get("db_url").asText(), "postgres", "")) {
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (scalar(db, "SELECT count(*) FROM reservations WHERE status = 'active'") > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                long settled = System.nanoTime() - restart;
                assertThat("reservations still active", scalar(db, "SELECT count(*) FROM reservations WHERE status = 'active'"), is(0L));
                Thread.sleep(3_000); // late events (outbox, the topic's tail) would reconcile here
                long orphans = scalar(db, "SELECT count(*) FROM billing_orphans");
                long falseOrphans = scalar(db, "SELECT count(*) FROM billing_orphans WHERE reconciled_at IS NOT NULL");
                System.out.printf("crash test: %d requests replied before the kill; restart ready in %.1f s, every reservation"
                                  + " settled %.1f s after the restart; %d orphans (%d corrected later); partitions assigned: %s%n",
                                  ok.get(), ready / 1e9, settled / 1e9, orphans, falseOrphans, assigned(data));
                node.output().lines().filter(l -> l.contains("ok (") || l.contains("starting") || l.contains("ready"))
                        .forEach(l -> System.out.println("crash test restart: " + l));
                assertThat("false orphan charges", falseOrphans, is(0L));
                int[] cutCharged = new int[3]; // the request cut off by the kill: [orphan rule, its own event, nothing]
                for (int i = 0; i < CONNECTIONS; i++) {
                    String hash = ApiKeys.hash(keys.get(i));
                    long spent = scalar(db, "SELECT spent_msat FROM accounts WHERE key_hash = '" + hash + "'");
                    long balance = scalar(db, "SELECT balance_msat FROM accounts WHERE key_hash = '" + hash + "'");
                    assertThat("key " + i + " balance + spent", balance + spent, is(DEPOSIT));
                    assertThat("key " + i + " got only 200s before the kill", refused.get(i), is(List.of()));
                    List<Charge> rows = charges(db, hash);
                    List<Long> costs = replies.get(i);
                    // one request at a time per key: its k-th reservation is its k-th request, and only the last can be unreplied
                    assertThat("key " + i + " reservations " + rows, rows.size() == costs.size() || cut[i] && rows.size() == costs.size() + 1, is(true));
                    long ledgerTotal = 0;
                    for (int k = 0; k < rows.size(); k++) {
                        Charge row = rows.get(k);
                        ledgerTotal += row.ledger();
                        if (k < costs.size()) {
                            assertThat("key " + i + " reply " + k + " is charged what it said, from its event", row,
                                       is(new Charge(row.id(), "settled", costs.get(k), costs.get(k), -1)));
                        } else if (row.orphanCharge() >= 0) {
                            cutCharged[0]++;
                            assertThat("key " + i + " cut-off request charged by the orphan rule", row.ledger(), is(row.orphanCharge()));
                        } else {
                            cutCharged[row.ledger() > 0 ? 1 : 2]++;
                        }
                    }
                    assertThat("key " + i + " one charge per reservation in the ledger", ledgerTotal,
                               is(scalar(db, "SELECT coalesce(sum(-amount_msat), 0) FROM ledger WHERE kind IN ('charge', 'adjustment')"
                                             + " AND key_hash = '" + hash + "'")));
                    assertThat("key " + i + " spent = its replies' costs + what its cut-off request was charged", spent, is(ledgerTotal));
                }
                System.out.printf("crash test: the requests cut off by the kill were charged by the orphan rule %d, by their own"
                                  + " usage event (reply lost) %d, not at all %d; %d never reserved%n", cutCharged[0], cutCharged[1],
                                  cutCharged[2], CONNECTIONS - cutCharged[0] - cutCharged[1] - cutCharged[2]);
                assertThat("every orphan is a request cut off by the kill", orphans, is((long) cutCharged[0]));
            }
            assertThat(node.terminate(Duration.ofSeconds(60)), is(0));
        }
    }

    /** A reservation of a key as the ledger has it: what it was charged, the ledger's net charge, any orphan charge (-1: none). */
    record Charge(String id, String status, long charged, long ledger, long orphanCharge) {
    }

    /** The key's reservations in the order they were made. */
    private static List<Charge> charges(Connection c, String hash) throws Exception {
        String sql = "SELECT r.id, r.status, coalesce(r.charged_msat, 0),"
                     + " coalesce((SELECT sum(-l.amount_msat) FROM ledger l WHERE l.reservation_id = r.id), 0),"
                     + " coalesce(o.charged_msat, -1)"
                     + " FROM reservations r LEFT JOIN billing_orphans o ON o.reservation_id = r.id"
                     + " WHERE r.key_hash = ? ORDER BY r.created_at, r.id";
        List<Charge> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, hash);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Charge(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)));
                }
            }
        }
        return rows;
    }

    private static long scalar(Connection c, String sql) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** When billing got its partitions after the restart (the log line), for the report. */
    private static String assigned(Path data) throws Exception {
        try (var lines = Files.lines(data.resolve("logs").resolve("node.0.log"))) {
            return lines.filter(l -> l.contains("usage partitions assigned")).map(l -> l.substring(0, Math.min(40, l.length())))
                    .reduce((a, b) -> b).orElse("never");
        }
    }
}
