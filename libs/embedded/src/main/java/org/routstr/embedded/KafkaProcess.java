package org.routstr.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node KRaft broker in a separate JVM on a fixed loopback port, built from the kafka_2.13 jars on this JVM's
 * class path. It can be stopped (gracefully or with {@code kill -9}) and started again on the same port with its data
 * kept, which an in-process test kit cannot do: tests use it for broker outages.
 */
public final class KafkaProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private final Path dir;
    private final int port;
    private final int controllerPort;
    private Process process;

    private KafkaProcess(Path dir, int port, int controllerPort) {
        this.dir = dir;
        this.port = port;
        this.controllerPort = controllerPort;
    }

    /** Formats {@code dir} if new and starts a broker on 127.0.0.1:{@code port} (0 picks free ports); blocks until it listens. */
    public static KafkaProcess start(Path dir, int port) {
        int p = port > 0 ? port : FixedPorts.next();
        KafkaProcess k = new KafkaProcess(dir, p, FixedPorts.next());
        k.writeConfig();
        k.format();
        k.start();
        return k;
    }

    /** {@code 127.0.0.1:port} for clients; the same across restarts. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Whether the broker JVM is running. */
    public synchronized boolean running() {
        return process != null && process.isAlive();
    }

    /** Stops the broker with SIGTERM (a controlled shutdown) and waits for it to exit. */
    public synchronized void stop() {
        end(false);
    }

    /** Kills the broker JVM ({@code kill -9}): the data on disk is all that remains. */
    public synchronized void kill() {
        end(true);
    }

    /** Starts the broker again on the same ports with the same data; blocks until it listens. */
    public synchronized void start() {
        if (running()) {
            return;
        }
        List<String> cmd = java("-Xmx256m", "-XX:+UseSerialGC", "kafka.Kafka", dir.resolve("server.properties").toString());
        try {
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.log").toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Kafka broker JVM", e);
        }
        awaitListening();
    }

    @Override
    public void close() {
        stop();
    }

    private void end(boolean force) {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        if (force) {
            p.destroyForcibly();
        } else {
            p.destroy();
        }
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
        waitUntilClosed();
    }

    private void writeConfig() {
        String props = """
                process.roles=broker,controller
                node.id=1
                controller.quorum.voters=1@127.0.0.1:%2$d
                listeners=PLAINTEXT://127.0.0.1:%1$d,CONTROLLER://127.0.0.1:%2$d
                advertised.listeners=PLAINTEXT://127.0.0.1:%1$d
                controller.listener.names=CONTROLLER
                inter.broker.listener.name=PLAINTEXT
                listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
                log.dirs=%3$s
                num.partitions=4
                offsets.topic.replication.factor=1
                offsets.topic.num.partitions=4
                transaction.state.log.replication.factor=1
                transaction.state.log.min.isr=1
                share.coordinator.state.topic.replication.factor=1
                share.coordinator.state.topic.min.isr=1
                group.initial.rebalance.delay.ms=0
                log.cleaner.dedupe.buffer.size=8388608
                """.formatted(port, controllerPort, dir.resolve("data").toAbsolutePath());
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("server.properties"), props);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the broker configuration", e);
        }
    }

    private void format() {
        if (Files.exists(dir.resolve("data").resolve("meta.properties"))) {
            return;
        }
        String clusterId = org.apache.kafka.common.Uuid.randomUuid().toString();
        List<String> cmd = java("-Xmx128m", "-XX:+UseSerialGC", "kafka.tools.StorageTool", "format", "-t", clusterId, "-c",
                                dir.resolve("server.properties").toString());
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("format.log").toFile())).start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("formatting the Kafka log dir failed; see " + dir.resolve("format.log"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot format the Kafka log dir", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted formatting Kafka", e);
        }
    }

    private static List<String> java(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the Kafka broker exited with " + process.exitValue() + "; see "
                                                + dir.resolve("broker.log"));
            }
            if (listening(port)) {
                return;
            }
            sleep(100);
        }
        throw new IllegalStateException("the Kafka broker did not listen on " + port + " within " + START_TIMEOUT);
    }

    private void waitUntilClosed() {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline && (listening(port) || listening(controllerPort))) {
            sleep(100);
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** A unique folder under the system temp dir, for a broker whose data only lives as long as a test. */
    public static Path tempDir() {
        try {
            return Files.createTempDirectory("kafka-" + UUID.randomUUID().toString().substring(0, 8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
