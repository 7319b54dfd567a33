package org.routstr.gateway.limits;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import org.routstr.common.kafka.KafkaSettings;
import org.routstr.gateway.GatewayFixture;
import org.routstr.testsupport.RealInfra;
import org.routstr.testsupport.TestDb;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * Two gateway replicas on one database: the per-key and the per-IP limit count the requests of both together (each alone
 * would let its own limit through), also when the requests race on both at once.
 */
@RealInfra
class SharedRateLimitTest {
    private static final String EMBED = "{\"model\":\"standin-embed\",\"input\":\"x\"}";

    @Test
    void perKeyAndPerIpLimitsHoldAcrossTwoGateways(TestDb db, KafkaSettings kafka) throws Exception {
        Map<String, String> limits = Map.of("gateway.rate-limit.per-key", "10", "gateway.rate-limit.per-ip", "40",
                                            "gateway.rate-limit.window", "PT10M");
        try (GatewayFixture a = new GatewayFixture(db, kafka, limits); GatewayFixture b = new GatewayFixture(db, kafka, limits)) {
            String key = a.fundedKey(100_000_000);
            int ok = 0;
            for (int i = 0; i < 16; i++) {
                HttpResponse<String> r = (i % 2 == 0 ? a : b).post("/v1/embeddings", key, EMBED);
                ok += r.statusCode() == 200 ? 1 : 0;
            }
            assertThat("per key, both gateways together", ok, is(10));

            String racing = a.fundedKey(100_000_000);
            List<Future<Integer>> replies = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
                for (int i = 0; i < 16; i++) {
                    GatewayFixture g = i % 2 == 0 ? a : b;
                    replies.add(pool.submit(() -> g.post("/v1/embeddings", racing, EMBED).statusCode()));
                }
            }
            long racedOk = 0;
            for (Future<Integer> f : replies) {
                racedOk += f.get() == 200 ? 1 : 0;
            }
            assertThat("per key, concurrent on both gateways", racedOk, is(10L));

            // 32 requests of this address so far; fresh keys, so only the address limit (40) applies
            int ipOk = 0;
            for (int i = 0; i < 12; i++) {
                ipOk += (i % 2 == 0 ? b : a).post("/v1/embeddings", a.fundedKey(1_000_000), EMBED).statusCode() == 200 ? 1 : 0;
            }
            assertThat("per client address, both gateways together", ipOk, is(8));
        }
    }
}
