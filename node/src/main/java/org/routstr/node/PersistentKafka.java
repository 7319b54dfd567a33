package org.routstr.node;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A single-node KRaft broker in this JVM whose log folder survives restarts: usage events the gateway published but billing
 * has not settled yet are still there after a crash, and the topic offsets billing keeps in PostgreSQL stay valid.
 */
final class PersistentKafka implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private final KafkaRaftServer server;
    private final int port;

    private PersistentKafka(KafkaRaftServer server, int port) {
        this.server = server;
        this.port = port;
    }

    /** Formats {@code dir} on first use, then starts the broker on free loopback ports; blocks until it listens. */
    static PersistentKafka start(Path dir) {
        int port = freePort();
        Properties props = properties(dir.resolve("data"), port, freePort());
        try {
            Files.createDirectories(dir);
            if (!Files.exists(dir.resolve("data").resolve("meta.properties"))) {
                format(dir, props);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the Kafka folder " + dir, e);
        }
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
        server.startup();
        PersistentKafka kafka = new PersistentKafka(server, port);
        kafka.awaitListening();
        return kafka;
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    private static Properties properties(Path data, int port, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        p.put("log.dirs", data.toAbsolutePath().toString());
        p.put("num.partitions", "4");
        // one node: internal topics cannot have more replicas, or consumer groups never get a coordinator
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // a lone voter has nobody to wait for: elect itself quickly on a restart
        p.put("controller.quorum.election.timeout.ms", "200");
        p.put("controller.quorum.fetch.timeout.ms", "400");
        // the default 128 MiB dedupe buffer would dominate the node's heap
        p.put("log.cleaner.dedupe.buffer.size", "8388608");
        // a week of usage events is plenty for a node that settles them within seconds
        p.put("log.retention.hours", "168");
        return p;
    }

    private static void format(Path dir, Properties props) throws IOException {
        Path file = dir.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(file)) {
            props.store(out, "written once to format the log folder; the launcher passes its settings directly");
        }
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        int rc = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", file.toString()}, quiet);
        if (rc != 0) {
            throw new IllegalStateException("formatting the Kafka log folder " + dir + " failed (exit " + rc + ")");
        }
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException e) {
                sleep();
            }
        }
        close();
        throw new IllegalStateException("the Kafka broker did not listen on " + port + " within " + START_TIMEOUT);
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting Kafka", e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
