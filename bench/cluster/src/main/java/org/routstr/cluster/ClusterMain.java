package org.routstr.cluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.routstr.common.events.ControlEvent;
import org.routstr.common.keys.ApiKeys;
import org.routstr.common.kafka.ControlBus;
import org.routstr.common.kafka.Kafka;
import org.routstr.common.kafka.KafkaSettings;

/**
 * {@code bench/cluster/run.sh}: starts the cluster, prints where everything is, measures how fast a key revocation, a
 * price change and a BTC-rate change reach every gateway and the chat throughput through 1..N gateways; then either
 * waits for Ctrl-C ({@code --hold}) or runs the chaos run ({@code --chaos ops kills db}), and stops everything it started.
 * Arguments: {@code [gateways] [--hold | --chaos <ops> <kills> <db:true|false> [<max load minutes, 40>]]}.
 */
public final class ClusterMain {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    /** The embedded PostgreSQL's initdb chatter (about 70 INFO lines) would bury the start-up progress: warnings only. */
    private static final java.util.logging.Logger ZONKY = java.util.logging.Logger.getLogger("io.zonky");

    private ClusterMain() {
    }

    public static void main(String[] args) throws Exception {
        ZONKY.setLevel(java.util.logging.Level.WARNING);
        int gateways = args.length > 0 && !args[0].startsWith("--") ? Integer.parseInt(args[0]) : 3;
        List<String> a = List.of(args);
        Path dir = Files.createTempDirectory("routstr-cluster-");
        if (a.contains("--chaos")) {
            int i = a.indexOf("--chaos");
            ChaosRun.Result r = ChaosRun.run(dir, new ChaosRun.Settings(gateways, 50, Integer.parseInt(a.get(i + 1)), 64,
                    Integer.parseInt(a.get(i + 2)), Boolean.parseBoolean(a.get(i + 3)),
                    Duration.ofMinutes(a.size() > i + 4 ? Long.parseLong(a.get(i + 4)) : 40), 17));
            System.out.println(r.report());
            System.exit(r.clean() ? 0 : 1);
        }
        Cluster cluster = Cluster.start(dir, gateways, Map.of());
        System.out.println("cluster up (data and logs in " + dir + "):\n" + cluster.describe());
        Chaos chaos = new Chaos(cluster);
        chaos.createKeys(2);
        measurePropagation(cluster);
        Throughput.measure(cluster);
        if (a.contains("--hold")) {
            System.out.println("running; Ctrl-C stops every process above");
            new CountDownLatch(1).await();
        }
        cluster.close();
    }

    /** Revocation, price and BTC-rate changes as admin and billing make them (the row, then the control notice). */
    static void measurePropagation(Cluster cluster) throws Exception {
        KafkaSettings ks = new KafkaSettings(cluster.kafka().bootstrapServers(), "cluster-bench");
        try (var producer = Kafka.producer(ks); ControlBus bus = new ControlBus(ks, producer);
             Connection c = DriverManager.getConnection(cluster.jdbcUrl(), "postgres", "")) {
            String key = new Chaos(cluster).newKey(500);
            for (ServiceProcess g : cluster.gateways()) {
                status(g, "/v1/chat/completions", key, Chaos.CHAT + "}");
            }
            change(cluster, "key revocation", () -> {
                sql(c, "UPDATE accounts SET status = 'revoked' WHERE key_hash = '" + ApiKeys.hash(key) + "'");
                bus.publish(ControlEvent.of("key.revoked", ApiKeys.hash(key), Map.of()));
            }, g -> Integer.toString(status(g, "/v1/chat/completions", key, Chaos.CHAT + "}")));
            change(cluster, "price change", () -> {
                sql(c, "UPDATE models SET usd_per_m_input = 31 WHERE id = '" + Cluster.MODEL + "'");
                bus.publish(ControlEvent.of("catalog.changed", Cluster.MODEL, Map.of()));
            }, g -> body(g, "/v1/models"));
            change(cluster, "BTC-rate change", () -> {
                sql(c, "UPDATE btc_rate SET usd_per_btc = 50000, fetched_at = now() WHERE id = 1");
                bus.publish(ControlEvent.of("btc.rate", "btc_usd", Map.of("usd_per_btc", "50000", "source", "cluster-bench")));
            }, g -> body(g, "/v1/models"));
        }
    }

    private static void sql(Connection c, String update) throws Exception {
        try (Statement st = c.createStatement()) {
            st.executeUpdate(update);
        }
    }

    interface Action {
        void run() throws Exception;
    }

    interface Probe {
        String look(ServiceProcess g) throws Exception;
    }

    /** Makes a change and times, per gateway, until what the probe sees differs from before the change. */
    private static void change(Cluster cluster, String what, Action action, Probe probe) throws Exception {
        List<String> before = new java.util.ArrayList<>();
        for (ServiceProcess g : cluster.gateways()) {
            before.add(probe.look(g));
        }
        long t0 = System.nanoTime();
        action.run();
        StringBuilder each = new StringBuilder();
        long worst = 0;
        for (int i = 0; i < cluster.gateways().size(); i++) {
            ServiceProcess g = cluster.gateways().get(i);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (probe.look(g).equals(before.get(i)) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            worst = Math.max(worst, ms);
            each.append(' ').append(g.name()).append('=').append(ms).append("ms");
        }
        System.out.printf("  %-16s reached every gateway in %d ms (%s)%s%n", what, worst, each.toString().strip(),
                          worst < 1000 ? "" : "  SLOWER THAN 1 s");
    }

    static int status(ServiceProcess g, String path, String key, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(g.url() + path)).header("authorization", "Bearer " + key)
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    static String body(ServiceProcess g, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(g.url() + path)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
