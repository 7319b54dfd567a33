package org.routstr.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.routstr.embedded.EmbeddedDatabase;
import org.routstr.embedded.FixedPorts;
import org.routstr.embedded.KafkaProcess;
import org.routstr.standin.StandinUpstream;
import org.routstr.testmint.TestMint;

/**
 * A whole node as separate processes on loopback: one PostgreSQL server, one KRaft broker JVM, and a JVM per service
 * replica ({@code gateways} gateways, 2 billing, 2 wallets, admin, discovery); the stand-in upstream and the test mint
 * run in this JVM. Gateway {@code i} sends its wallet calls to wallet {@code i % 2}. {@link #close} stops everything it
 * started, by PID.
 */
public final class Cluster implements AutoCloseable {
    public static final String MODEL = "standin-gpt";
    public static final String INTERNAL_TOKEN = "cluster-internal-token-0123456789";
    private final Path dir;
    private int dbPort;
    private EmbeddedDatabase db;
    private KafkaProcess kafka;
    private TestMint mint;
    private StandinUpstream upstream;
    private final List<ServiceProcess> gateways = new ArrayList<>();
    private final List<ServiceProcess> services = new ArrayList<>();
    private final Thread stopHook = new Thread(this::close, "cluster-stop");
    private boolean closed;

    private Cluster(Path dir) {
        this.dir = dir;
        Runtime.getRuntime().addShutdownHook(stopHook); // Ctrl-C stops every process this started
    }

    private void boot(int gatewayCount, Map<String, String> extra) {
        long t0 = System.nanoTime();
        progress(t0, "starting PostgreSQL (data in " + dir.resolve("postgres") + ")");
        db = EmbeddedDatabase.start(Optional.of(dir.resolve("postgres")), freePort(), true);
        dbPort = db.port();
        db.createDatabase("routstr");
        progress(t0, "PostgreSQL on 127.0.0.1:" + dbPort + "; starting the Kafka broker JVM");
        kafka = KafkaProcess.start(dir.resolve("kafka"), 0);
        mint = TestMint.builder().delay(java.time.Duration.ofMillis(200)).start();
        upstream = StandinUpstream.start("127.0.0.1", 0);
        progress(t0, "Kafka, the test mint and the stand-in upstream are up");
        Map<String, String> common = commonConfig(extra);
        List<Integer> wallets = List.of(freePort(), freePort());
        int admin = freePort();
        int discovery = freePort();
        List<String> jvm = List.of("-XX:+UseSerialGC", "-Xms32m", "-Xmx256m", "-Xss512k", "-XX:+ExitOnOutOfMemoryError",
                                   "-XX:TieredStopAtLevel=1", "-Xlog:disable", "-Xlog:all=error:stderr",
                                   "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED");
        for (int i = 0; i < 2; i++) {
            Map<String, String> c = new HashMap<>(common);
            c.put("billing.consumer.instance-id", "cluster-billing-" + i);
            services.add(new ServiceProcess("billing-" + i, "billing", freePort(), dir, c, jvm));
        }
        for (int i = 0; i < 2; i++) {
            services.add(new ServiceProcess("wallet-" + i, "wallet", wallets.get(i), dir, common, jvm));
        }
        Map<String, String> a = new HashMap<>(common);
        a.put("admin.wallet-url", "http://127.0.0.1:" + wallets.get(0));
        services.add(new ServiceProcess("admin", "admin", admin, dir, a, jvm));
        services.add(new ServiceProcess("discovery", "discovery", discovery, dir, common, jvm));
        for (int i = 0; i < gatewayCount; i++) {
            Map<String, String> g = new HashMap<>(common);
            g.put("gateway.routes.wallet", "http://127.0.0.1:" + wallets.get(i % 2));
            g.put("gateway.routes.admin", "http://127.0.0.1:" + admin);
            g.put("gateway.routes.discovery", "http://127.0.0.1:" + discovery);
            gateways.add(new ServiceProcess("gateway-" + i, "gateway", freePort(), dir, g, jvm));
        }
        // one service first: it applies the migrations, so the others do not queue on Flyway's lock
        progress(t0, "starting " + services.getFirst().name() + " (it applies the database migrations)");
        services.getFirst().launch();
        services.getFirst().awaitReady(300_000);
        List<ServiceProcess> rest = new ArrayList<>(services.subList(1, services.size()));
        rest.addAll(gateways);
        progress(t0, services.getFirst().name() + " ready; starting " + rest.size() + " more service JVMs (logs in " + dir + ")");
        rest.forEach(ServiceProcess::launch);
        java.util.concurrent.atomic.AtomicInteger ready = new java.util.concurrent.atomic.AtomicInteger(1);
        int total = rest.size() + 1;
        CompletableFuture.allOf(rest.stream().map(s -> CompletableFuture.runAsync(() -> {
            s.awaitReady(300_000);
            progress(t0, s.name() + " ready (" + ready.incrementAndGet() + " of " + total + ")");
        })).toArray(CompletableFuture[]::new)).join();
    }

    /** One line per start-up step on stderr (the figures go to stdout): a cluster takes a minute or more to start. */
    private static void progress(long t0, String what) {
        System.err.printf("cluster: %s [%.1f s]%n", what, (System.nanoTime() - t0) / 1e9);
    }

    /** Starts a cluster in {@code dir} (a fresh folder); {@code extra} keys go to every service. */
    public static Cluster start(Path dir, int gateways, Map<String, String> extra) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Cluster c = new Cluster(dir);
        try {
            c.boot(gateways, extra);
            return c;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private Map<String, String> commonConfig(Map<String, String> extra) {
        Map<String, String> m = new HashMap<>();
        m.put("db.url", db.jdbcUrl("routstr"));
        m.put("db.user", db.user());
        m.put("db.password", "");
        m.put("db.pool-size", "6");
        m.put("kafka.bootstrap-servers", kafka.bootstrapServers());
        m.put("internal.token", INTERNAL_TOKEN);
        m.put("server.shutdown-hook", "false");
        m.put("gateway.secret-key", "cluster-secret-key");
        m.put("wallet.trusted-mints", mint.url());
        m.put("wallet.allowed-hosts", "127.0.0.1,localhost");
        m.put("wallet.recovery-interval", "PT2S");
        m.put("billing.fixed-usd-per-btc", "100000");
        m.put("billing.orphan-after", "PT30S");
        m.put("billing.orphan-sweep-interval", "PT3S");
        m.put("billing.consumer.session-timeout", "PT6S");
        m.put("gateway.heartbeat-interval", "PT1S");
        m.put("gateway.outbox-interval", "PT0.5S");
        m.put("gateway.upstream-timeout", "PT20S");
        m.put("gateway.wallet-timeout", "PT10S");
        String p = "gateway.providers.0.";
        m.put(p + "slug", "standin");
        m.put(p + "base-url", upstream.url() + "/v1");
        m.put(p + "api-key", "sk-upstream-standin");
        m.put(p + "models.0.id", MODEL);
        m.put(p + "models.0.input-usd-per-m", "30");
        m.put(p + "models.0.output-usd-per-m", "60");
        m.put(p + "models.0.context-length", "8000");
        m.put(p + "models.0.max-completion-tokens", "1000");
        m.putAll(extra);
        return m;
    }

    public List<ServiceProcess> gateways() {
        return gateways;
    }

    /** Every service process, gateways last. */
    public List<ServiceProcess> processes() {
        List<ServiceProcess> all = new ArrayList<>(services);
        all.addAll(gateways);
        return all;
    }

    public TestMint mint() {
        return mint;
    }

    public StandinUpstream upstream() {
        return upstream;
    }

    public KafkaProcess kafka() {
        return kafka;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + dbPort + "/routstr";
    }

    public Path dir() {
        return dir;
    }

    /** Stops PostgreSQL and starts it again on the same port and data (a restart, not a crash: zonky's stop is a fast shutdown). */
    public synchronized void restartDatabase(long downMs) {
        db.close();
        sleep(downMs);
        db = EmbeddedDatabase.start(Optional.of(dir.resolve("postgres")), dbPort, true);
    }

    /** Where everything is, one line each. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        b.append(String.format("  %-12s %s (pid %s)%n", "postgresql", jdbcUrl(), "server of " + dir.resolve("postgres")));
        b.append(String.format("  %-12s %s (data %s)%n", "kafka", kafka.bootstrapServers(), dir.resolve("kafka")));
        b.append(String.format("  %-12s %s (in the launcher JVM)%n", "test mint", mint.url()));
        b.append(String.format("  %-12s %s (in the launcher JVM)%n", "upstream", upstream.url()));
        for (ServiceProcess s : processes()) {
            b.append(String.format("  %-12s %s (pid %d, log %s)%n", s.name(), s.url(), s.pid(), dir.resolve(s.name() + ".log")));
        }
        return b.toString();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(stopHook);
        } catch (IllegalStateException shuttingDown) {
            // called by the hook itself
        }
        List<ServiceProcess> all = processes();
        java.util.Collections.reverse(all);
        all.parallelStream().forEach(ServiceProcess::stop);
        for (AutoCloseable r : new AutoCloseable[] {kafka, upstream, mint, db}) {
            try {
                if (r != null) {
                    r.close();
                }
            } catch (Exception e) {
                System.err.println("cluster: stopping " + r + " failed: " + e);
            }
        }
    }

    /** A loopback port kept across restarts, outside the ephemeral range (see {@link FixedPorts}). */
    static int freePort() {
        return FixedPorts.next();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
