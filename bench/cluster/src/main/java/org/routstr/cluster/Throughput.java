package org.routstr.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Chat throughput through the first 1, 2, … N gateways of a running cluster (client-side spreading, 32-way, plain
 * non-streamed chat on one funded key per run), each for a fixed time after a short warm-up. All JVMs share this
 * machine's cores, so the curve shows what serialises across gateways rather than raw capacity.
 */
final class Throughput {
    private static final long WARM_MS = 4_000;
    private static final long RUN_MS = 12_000;

    private Throughput() {
    }

    static void measure(Cluster cluster) throws Exception {
        Chaos chaos = new Chaos(cluster);
        System.out.printf("  gateway throughput (%d s each, 32 concurrent clients, %d cores):%n", RUN_MS / 1000,
                          Runtime.getRuntime().availableProcessors());
        for (int n = 1; n <= cluster.gateways().size(); n++) {
            String key = chaos.newKey(200_000);
            Client client = new Client(cluster.gateways().subList(0, n));
            long[] r = drive(client, key, WARM_MS);
            r = drive(client, key, RUN_MS);
            System.out.printf("    %d gateway process%s: %,.0f requests/s (%d ok, %d other)%n", n, n == 1 ? "" : "es",
                              r[0] * 1000.0 / RUN_MS, r[0], r[1]);
        }
    }

    private static long[] drive(Client client, String key, long ms) throws InterruptedException {
        AtomicLong ok = new AtomicLong();
        AtomicLong other = new AtomicLong();
        long end = System.currentTimeMillis() + ms;
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            ts.add(Thread.ofVirtual().start(() -> {
                while (System.currentTimeMillis() < end) {
                    try {
                        (client.post("/v1/chat/completions", key, Chaos.CHAT + "}").status() == 200 ? ok : other).incrementAndGet();
                    } catch (Exception e) {
                        other.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : ts) {
            t.join();
        }
        return new long[] {ok.get(), other.get()};
    }
}
