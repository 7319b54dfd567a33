package org.routstr.gateway.usage;

import java.net.ServerSocket;
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
import static org.hamcrest.Matchers.lessThan;

/**
 * Issue 11: while Kafka is unreachable, paid requests do not each wait the producer's {@code max.block.ms}: once a send
 * failed, usage events go straight to the outbox. Every event is kept there.
 */
@RealInfra
class KafkaDownTest {
    private static final String CHAT = "{\"model\":\"standin-gpt\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"kafka?\"}]}";

    @Test
    void requestsUnderLoadDoNotBlockWhileKafkaIsDown(TestDb db) throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        OutboxRepository outbox = new OutboxRepository(db.dataSource());
        long before = outbox.size();
        try (GatewayFixture f = new GatewayFixture(db, new KafkaSettings("127.0.0.1:" + closedPort, "gateway-kafka-down"), Map.of())) {
            String key = f.fundedKey(50_000_000);
            // the first request finds out (it may wait for the producer once)
            assertThat(f.post("/v1/chat/completions", key, CHAT).statusCode(), is(200));
            int threads = 8;
            int each = 5;
            List<Future<Long>> slowest = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
                for (int t = 0; t < threads; t++) {
                    slowest.add(pool.submit(() -> {
                        long max = 0;
                        for (int i = 0; i < each; i++) {
                            long start = System.nanoTime();
                            HttpResponse<String> r = f.post("/v1/chat/completions", key, CHAT);
                            assertThat(r.body(), r.statusCode(), is(200));
                            max = Math.max(max, (System.nanoTime() - start) / 1_000_000);
                        }
                        return max;
                    }));
                }
            }
            long max = 0;
            for (Future<Long> s : slowest) {
                max = Math.max(max, s.get());
            }
            System.out.println("Kafka down: slowest of " + threads * each + " requests took " + max + " ms");
            // the producer blocks 2 s (max.block.ms) per send that tries; a request that went to the outbox takes milliseconds
            assertThat("slowest request (ms)", max, lessThan(1_500L));
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (outbox.size() - before < threads * each + 1 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(outbox.size() - before, is((long) threads * each + 1));
        }
    }
}
