package org.routstr.cluster;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The fault injector: {@code kills} {@code kill -9}s of random service processes (every other one a gateway; each
 * restarted at once), one Kafka
 * broker restart and optionally one PostgreSQL restart, spread evenly over {@code spanMs}. Each fault is a window (from
 * the fault until the process serves again) in which 5xx answers are expected.
 */
final class Faults {
    record Window(String what, long fromMs, long toMs) {
    }

    private final Cluster cluster;
    private final int kills;
    private final boolean database;
    private final Random random;
    final List<Window> windows = Collections.synchronizedList(new ArrayList<>());
    final List<String> log = Collections.synchronizedList(new ArrayList<>());

    Faults(Cluster cluster, int kills, boolean database, long seed) {
        this.cluster = cluster;
        this.kills = kills;
        this.database = database;
        this.random = new Random(seed);
    }

    /** Runs the faults on its own thread, spread over {@code spanMs}; {@link Thread#join} it. */
    Thread start(long spanMs) {
        List<Runnable> plan = new ArrayList<>();
        for (int i = 0; i < kills; i++) {
            boolean gateway = i % 2 == 0; // every other kill hits a gateway, so the orphan rule is exercised
            plan.add(() -> killOne(gateway));
        }
        plan.add(Math.min(plan.size(), 1 + kills / 2), this::restartBroker);
        if (database) {
            plan.add(plan.size() - 1, this::restartDatabase);
        }
        long gap = spanMs / (plan.size() + 1);
        return Thread.ofPlatform().name("faults").start(() -> {
            for (Runnable fault : plan) {
                Cluster.sleep(gap);
                fault.run();
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
        log.add(String.format("%s: down %.1f s", what, (to - from) / 1000.0));
    }
}
