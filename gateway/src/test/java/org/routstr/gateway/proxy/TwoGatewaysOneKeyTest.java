package org.routstr.gateway.proxy;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import org.routstr.common.db.Db;
import org.routstr.common.keys.ApiKeys;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.gateway.GatewayFixture;
import org.routstr.testsupport.RealInfra;
import org.routstr.testsupport.TestDb;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

/**
 * Two gateways on one database, each grouping its concurrent reservations into shared transactions (gateway.reserve-group.enabled), serve
 * one key at once: the key is never reserved beyond its balance, every 200 holds exactly one reservation, the rest are 402.
 */
@RealInfra
class TwoGatewaysOneKeyTest {
    private static final String BODY = "{\"model\":\"standin-gpt\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void concurrentRequestsOnOneKeyAcrossTwoGatewaysNeverOverspend(TestDb db, KafkaSettings kafka) throws Exception {
        Map<String, String> grouped = Map.of("gateway.reserve-group.enabled", "true");
        try (GatewayFixture a = new GatewayFixture(db, kafka, grouped);
             GatewayFixture b = new GatewayFixture(db, kafka, grouped)) {
            String probe = a.fundedKey(100_000_000);
            assertThat(a.post("/v1/chat/completions", probe, BODY).statusCode(), is(200));
            long each = reservedOf(db, ApiKeys.hash(probe));
            int fit = 12;
            String key = a.fundedKey(fit * each + each / 2); // 12 reservations fit, a 13th does not
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> calls = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 40; i++) {
                    GatewayFixture g = i % 2 == 0 ? a : b;
                    calls.add(pool.submit(() -> {
                        start.await();
                        HttpResponse<String> r = g.post("/v1/chat/completions", key, BODY);
                        return r.statusCode();
                    }));
                }
                start.countDown();
                int ok = 0;
                int refused = 0;
                for (Future<Integer> c : calls) {
                    int s = c.get();
                    ok += s == 200 ? 1 : 0;
                    refused += s == 402 ? 1 : 0;
                }
                // billing does not run here, so every served request keeps its reservation: exactly the 12 that fit
                assertThat(ok, is(fit));
                assertThat(refused, is(40 - fit));
            }
            assertThat(reservedOf(db, ApiKeys.hash(key)), is(fit * each));
            assertThat(a.ledger.account(ApiKeys.hash(key)).orElseThrow().reservedMsat(), is(fit * each));
            assertThat(a.available(key), greaterThan(0L));
        }
    }

    private static long reservedOf(TestDb db, String keyHash) {
        return Db.withConnection(db.dataSource(), c -> {
            try (var ps = c.prepareStatement("SELECT coalesce(sum(amount_msat), 0) FROM reservations WHERE key_hash = ? AND status = 'active'")) {
                ps.setString(1, keyHash);
                var rs = ps.executeQuery();
                rs.next();
                return rs.getLong(1);
            }
        });
    }
}
