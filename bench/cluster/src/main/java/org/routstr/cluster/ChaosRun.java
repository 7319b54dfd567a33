package org.routstr.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * One chaos run from start to settled audit: a cluster of {@code gateways} gateways, the keys, the load and the faults
 * together, then a wait until billing settled everything (no active reservation, no outbox row), then the audit.
 */
public final class ChaosRun {
    public record Settings(int gateways, int keys, int ops, int concurrency, int kills, boolean database, Duration maxLoad,
                           long seed) {
    }

    public record Result(Audit audit, String report) {
        public boolean clean() {
            return audit.problems.isEmpty();
        }

        public java.util.List<String> problems() {
            return audit.problems;
        }
    }

    private ChaosRun() {
    }

    public static Result run(Path dir, Settings s) throws Exception {
        long t0 = System.currentTimeMillis();
        try (Cluster cluster = Cluster.start(dir, s.gateways(), Map.of())) {
            long up = System.currentTimeMillis() - t0;
            System.out.println("cluster up in " + up + " ms:\n" + cluster.describe());
            Chaos chaos = new Chaos(cluster);
            chaos.createKeys(s.keys());
            Faults faults = new Faults(cluster, s.kills(), s.database(), s.seed());
            long loadStart = System.currentTimeMillis();
            java.util.concurrent.atomic.AtomicBoolean loadOver = new java.util.concurrent.atomic.AtomicBoolean();
            Thread injector = faults.start(chaos::done, s.ops(), loadOver::get);
            chaos.run(s.ops(), s.concurrency(), loadStart + s.maxLoad().toMillis());
            long loadMs = System.currentTimeMillis() - loadStart;
            loadOver.set(true);
            injector.join();
            long settleStart = System.currentTimeMillis();
            Settle.await(cluster, Duration.ofSeconds(180));
            long settleMs = System.currentTimeMillis() - settleStart;
            Audit audit = Audit.of(cluster, chaos, faults.windows, 20_000);
            StringBuilder r = new StringBuilder();
            r.append(String.format("chaos run: %d gateways, %d keys, %d ops done of %d at %d-way, %d kills, broker restart%s%n",
                    s.gateways(), s.keys(), Math.min(chaos.done(), s.ops()), s.ops(), s.concurrency(), s.kills(),
                    s.database() ? ", PostgreSQL restart" : ""));
            r.append(String.format("  cluster up %.1f s, load %.1f s (%.0f ops/s), settled in %.1f s%n", up / 1000.0,
                    loadMs / 1000.0, Math.min(chaos.done(), s.ops()) * 1000.0 / loadMs, settleMs / 1000.0));
            faults.log.forEach(l -> r.append("  fault: ").append(l).append('\n'));
            new java.util.TreeMap<>(chaos.counts).forEach((k, v) -> r.append(String.format("  %-34s %,d%n", k, v.get())));
            r.append(audit.report());
            return new Result(audit, r.toString());
        }
    }
}
