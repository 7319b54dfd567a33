package org.routstr.embedded;

import java.nio.file.Path;
import java.util.Optional;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real single-node KRaft Kafka broker (combined broker and controller) running in this JVM, built from the Kafka jars
 * on Maven Central. Used by tests and by the single-machine launcher.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private final KafkaClusterTestKit cluster;

    private EmbeddedKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /** Starts a broker on a free port; blocks until it accepts clients. */
    public static EmbeddedKafka start(Optional<Path> baseDir) {
        try {
            TestKitNodes.Builder nodes = new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1);
            baseDir.ifPresent(nodes::setBaseDirectory);
            KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes.build())
                    // a single node: internal topics cannot have more replicas, or consumer groups never get a coordinator
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("offsets.topic.num.partitions", "4")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("num.partitions", "4")
                    // the default 128 MiB dedupe buffer does not fit a small heap
                    .setConfigProp("log.cleaner.dedupe.buffer.size", "8388608")
                    // a broker sharing a small machine with the whole node: a few threads, not a server's 3 + 8 + 10
                    // (every extra thread is a context switch per produce request and stack memory)
                    .setConfigProp("num.network.threads", "2")
                    .setConfigProp("num.io.threads", "2")
                    .setConfigProp("background.threads", "2")
                    .setDeleteOnClose(baseDir.isEmpty())
                    .build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new EmbeddedKafka(cluster);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted starting Kafka", e);
        } catch (Exception e) {
            // the test kit declares `throws Exception`; this is the edge where it becomes one unchecked failure
            throw new IllegalStateException("cannot start embedded Kafka: " + e.getMessage(), e);
        }
    }

    /** {@code host:port} for clients. */
    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    @Override
    public void close() {
        try {
            cluster.close();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop embedded Kafka", e);
        }
    }
}
