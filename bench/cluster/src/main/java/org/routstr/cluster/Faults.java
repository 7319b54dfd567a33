package org.routstr.cluster;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * The fault injector: {@code kills} {@code kill -9}s of random service processes (every other one a gateway; each
 * restarted at once), one Kafka broker restart and optionally one PostgreSQL restart, spread evenly over the load's
 * operations. Each fault is a window (from
 * the fault until the process serves again) in which 5xx answers are expected.
 */
final class Faults {
    record Window(String what, long fromMs, long toMs) {
    }

    private final Cluster cluster;
    private final int kills;
    private final boolean database;
    private final Random random;
    private volatile IntSupplier progress = () -> 0;
    final List<Window> windows = Collections.synchronizedList(new ArrayList<>());
    final List<String> log = Collections.synchronizedList(new ArrayList<>());

    Faults(Cluster cluster, int kills, boolean database, long seed) {
        this.cluster = cluster;
        this.kills = kills;
        this.database = database;
        this.random = new Random(seed);
    }

    /**
     * Runs the faults on its own thread; {@link Thread#join} it. Fault k of n fires once the load has done k/(n+1) of its
     * {@code total} operations, so every fault hits a loaded cluster however fast it runs (a time-based spread, planned at
     * an assumed rate, left the last faults after the load on a quiet machine). Faults the load did not reach because it
     * stopped at its time bound run right after it, marked so in the log.
     */
    Thread start(IntSupplier done, int total, BooleanSupplier loadOver) {
        List<Runnable> plan = new ArrayList<>();
        for (int i = 0; i < kills; i++) {
            boolean gateway = i % 2 == 0; // every other kill hits a gateway, so the orphan rule is exercised
            plan.add(() -> killOne(gateway));
        }
        plan.add(Math.min(plan.size(), 1 + kills / 2), this::restartBroker);
        if (database) {
            plan.add(plan.size() - 1, this::restartDatabase);
        }
        progress = done;
        return Thread.ofPlatform().name("faults").start(() -> {
            for (int k = 1; k <= plan.size(); k++) {
                long due = (long) total * k / (plan.size() + 1);
                while (done.getAsInt() < due && !loadOver.getAsBoolean()) {
                    Cluster.sleep(100);
                }
                plan.get(k - 1).run();
            }
        });
    }

    private void killOne(boolean gateway) {
        List<ServiceProcess> all = gateway ? cluster.gateways() : cluster.processes();
        ServiceProcess p = all.get(random.nextInt(all.size()));
        long from = System.currentTimeMillis();
        long pid = p.pid();
        p.kill9();
        Cluster.sleep(500 + random.nextInt(1500));
        p.restart(240_000);
        record("kill -9 " + p.name() + " (pid " + pid + ")", from);
    }

    private void restartBroker() {
        long from = System.currentTimeMillis();
        cluster.kafka().stop();
        Cluster.sleep(2000);
        cluster.kafka().start();
        record("Kafka broker restart", from);
    }

    private void restartDatabase() {
        long from = System.currentTimeMillis();
        cluster.restartDatabase(2000);
        record("PostgreSQL restart", from);
    }

    private void record(String what, long from) {
        long to = System.currentTimeMillis();
        windows.add(new Window(what, from, to));
        log.add(String.format("%s at operation %,d: down %.1f s", what, progress.getAsInt(), (to - from) / 1000.0));
    }
}
