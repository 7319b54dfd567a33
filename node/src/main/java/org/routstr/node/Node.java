package org.routstr.node;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.routstr.common.events.Topics;
import org.routstr.common.server.RunningService;
import org.routstr.embedded.EmbeddedDatabase;
import org.routstr.node.demo.DemoInfra;

/**
 * The whole node in this JVM: infrastructure (embedded or external), demo stand-ins, the four internal services on
 * loopback and the gateway in front. {@link #stop()} takes it down in the order that loses nothing.
 */
final class Node {
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration SERVICE_START_TIMEOUT = Duration.ofMinutes(3);
    private final Progress progress;
    private final List<Named> infra = new ArrayList<>();
    private final Map<String, RunningService> internal = new HashMap<>();
    private RunningService gateway;
    private Optional<DemoInfra> demo = Optional.empty();
    private Optional<String> kafkaBootstrap = Optional.empty();
    private Optional<KafkaDrain.Offsets> billingOffsets = Optional.empty();
    private boolean stopped;
    private java.nio.file.Path logsDir = java.nio.file.Path.of(".");

    Node(Progress progress) {
        this.progress = progress;
    }

    /** What the startup produced, for the banner and {@code node.json}. */
    record Started(String dbUrl, boolean embeddedDb, String kafka, int gatewayPort, Map<String, Integer> internalPorts,
                   Map<String, Integer> metricsPorts) {
    }

    /** Starts everything; on failure stops what already runs and rethrows. */
    Started start(NodeSettings s, String internalToken, Map<String, String> defaults, Optional<DemoPlan> demoPlan) {
        try {
            return startAll(s, internalToken, defaults, demoPlan);
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    /** Demo mode's pieces: the stand-ins and the config defaults that point the services at them. */
    record DemoPlan(int upstreamPort, int mintPort, Function<DemoInfra, Map<String, String>> defaults) {
    }

    private Started startAll(NodeSettings s, String internalToken, Map<String, String> defaults, Optional<DemoPlan> demoPlan) {
        logsDir = s.logsDir();
        String dbUrl = s.dbUrl().orElseGet(() -> progress.step("PostgreSQL (embedded, data in " + s.postgresDir() + (s.dbDurable() ? "" : ", NOT durable: fsync off") + ")", () -> {
            EmbeddedDatabase db = own("PostgreSQL", EmbeddedDatabase.start(Optional.of(s.postgresDir()), 0, s.dbDurable()));
            db.createDatabase("routstr");
            return db.jdbcUrl("routstr");
        }));
        s.dbUrl().ifPresent(u -> progress.line("PostgreSQL: external " + u));
        String kafka = s.kafka().orElseGet(() -> progress.step("Kafka (embedded single-node KRaft, data in " + s.kafkaDir() + ")",
                () -> own("Kafka", quietly(() -> PersistentKafka.start(s.kafkaDir()))).bootstrapServers()));
        s.kafka().ifPresent(k -> progress.line("Kafka: external " + k));
        kafkaBootstrap = Optional.of(kafka);

        Map<String, String> shared = new HashMap<>();
        shared.put("db.url", dbUrl);
        shared.put("db.user", s.dbUrl().isPresent() ? s.dbUser() : "postgres");
        shared.put("db.password", s.dbUrl().isPresent() ? s.dbPassword() : "");
        shared.put("kafka.bootstrap-servers", kafka);
        shared.put("internal.token", internalToken);
        Map<String, String> demoDefaults = demoPlan.<Map<String, String>>map(p -> progress.step("demo stand-ins (OpenAI upstream, Cashu test mint)", () -> {
            DemoInfra d = own("demo stand-ins", DemoInfra.start(p.upstreamPort(), p.mintPort()));
            demo = Optional.of(d);
            return p.defaults().apply(d);
        })).orElse(Map.of());
        Map<String, String> low = new HashMap<>(defaults);
        low.putAll(demoDefaults);
        ServiceConfigs configs = new ServiceConfigs(s.configFile(), shared, low);
        billingOffsets = Optional.of(new KafkaDrain.Offsets(dbUrl, shared.get("db.user"), shared.get("db.password"),
                configs.compose(org.routstr.billing.Main.class, Map.of()).get("billing.consumer.group").asString().orElse("billing")));

        // billing's static member id: restarted after a kill -9 it gets its partitions at once, not after its session timeout
        Map<String, String> loopback = Map.of("server.host", "127.0.0.1", "server.port", "0", "server.internal-port", "0",
                                              "billing.consumer.instance-id", "routstr-node-billing");
        progress.step("billing, wallet, admin and discovery services", () -> {
            startInternal(configs, loopback);
            return null;
        });
        Map<String, String> front = new HashMap<>();
        front.put("server.host", s.host());
        front.put("server.port", Integer.toString(s.port()));
        front.put("server.internal-port", "0");
        front.put("gateway.routes.wallet", "http://127.0.0.1:" + internal.get("wallet").port());
        front.put("gateway.routes.admin", "http://127.0.0.1:" + internal.get("admin").port());
        front.put("gateway.routes.discovery", "http://127.0.0.1:" + internal.get("discovery").port());
        progress.step("gateway on " + s.host() + ":" + s.port(), () -> {
            gateway = org.routstr.gateway.Main.start(configs.compose(org.routstr.gateway.Main.class, front));
            return null;
        });
        Map<String, Integer> ports = new HashMap<>();
        internal.forEach((k, v) -> ports.put(k, v.port()));
        Map<String, Integer> metrics = new HashMap<>();
        internal.forEach((k, v) -> metrics.put(k, v.internalPort()));
        metrics.put("gateway", gateway.internalPort());
        return new Started(dbUrl, s.dbUrl().isEmpty(), kafka, gateway.port(), ports, metrics);
    }

    private void startInternal(ServiceConfigs configs, Map<String, String> loopback) {
        // one at a time, on this thread's watch: four services starting at once in one JVM raced on its global state (Helidon's
        // metrics registry threw a ConcurrentModificationException; billing registers its meters outside Servers.start's lock;
        // Jackson's and Flyway's first use), and a start that hung on it said nothing; now each has a bounded start
        start("billing", () -> org.routstr.billing.Main.start(configs.compose(org.routstr.billing.Main.class, loopback)));
        start("wallet", () -> org.routstr.wallet.Main.start(configs.compose(org.routstr.wallet.Main.class, loopback)));
        // admin-service calls the wallet's internal API (owner balance, withdrawals)
        Map<String, String> admin = new HashMap<>(loopback);
        admin.put("admin.wallet-url", "http://127.0.0.1:" + internal.get("wallet").port());
        start("admin", () -> org.routstr.admin.Main.start(configs.compose(org.routstr.admin.Main.class, admin)));
        start("discovery", () -> org.routstr.discovery.Main.start(configs.compose(org.routstr.discovery.Main.class, loopback)));
    }

    private void start(String name, java.util.function.Supplier<RunningService> starter) {
        internal.put(name, StartWatch.run(name, starter, SERVICE_START_TIMEOUT, logsDir));
    }

    /** What went wrong, named even when an exception has no message (a bare "null" said nothing). */
    static String cause(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null && sb.length() < 500; c = c.getCause() == c ? null : c.getCause()) {
            if (c != t && c.getMessage() != null && sb.toString().contains(c.getMessage())) {
                continue;
            }
            if (!sb.isEmpty()) {
                sb.append("; caused by ");
            }
            sb.append(c.getClass().getSimpleName());
            if (c.getMessage() != null) {
                sb.append(": ").append(c.getMessage());
            }
        }
        return sb.toString();
    }

    /** The demo stand-ins, when demo mode runs. */
    Optional<DemoInfra> demo() {
        return demo;
    }

    /** Registers something to close with the infrastructure (before it, as it was added later). */
    synchronized void onStop(String name, AutoCloseable resource) {
        own(name, resource);
    }

    private <T extends AutoCloseable> T own(String name, T resource) {
        infra.add(new Named(name, resource));
        return resource;
    }

    private record Named(String name, AutoCloseable resource) {
    }

    /** Gateway first (in-flight requests finish, usage events flush), billing after draining, the rest, then infrastructure. */
    synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        if (gateway != null) {
            progress.stopping("gateway", gateway::stop);
        }
        RunningService billing = internal.remove("billing");
        if (billing != null) {
            kafkaBootstrap.ifPresent(k -> progress.stopping("draining usage events into billing", () -> drain(k)));
            progress.stopping("billing", billing::stop);
        }
        for (String name : List.of("wallet", "admin", "discovery")) {
            RunningService svc = internal.remove(name);
            if (svc != null) {
                progress.stopping(name, svc::stop);
            }
        }
        for (Named r : infra.reversed()) {
            progress.stopping(r.name(), () -> {
                try {
                    r.resource().close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        infra.clear();
    }

    /** Runs {@code action} with stdout muted: the broker's formatter prints its bootstrap metadata there. */
    private static <T> T quietly(java.util.function.Supplier<T> action) {
        java.io.PrintStream out = System.out;
        System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        try {
            return action.get();
        } finally {
            System.setOut(out);
        }
    }

    private void drain(String bootstrap) {
        if (billingOffsets.isEmpty()) {
            return;
        }
        switch (KafkaDrain.await(bootstrap, Topics.USAGE, billingOffsets.get(), DRAIN_TIMEOUT)) {
            case KafkaDrain.Drained d -> progress.line("  all usage events settled");
            case KafkaDrain.NoConsumer n -> progress.line("  billing has consumed nothing yet");
            case KafkaDrain.TimedOut t -> progress.line("  WARNING: " + t.lag() + " usage events still unconsumed after "
                                                        + DRAIN_TIMEOUT.toSeconds() + " s");
        }
    }
}
