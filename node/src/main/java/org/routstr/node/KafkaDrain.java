package org.routstr.node;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Waits until every consumer group reading a topic has committed up to its end: the launcher uses it between stopping
 * the gateway and stopping billing, so the usage events of the last requests are settled before the broker goes away.
 */
final class KafkaDrain {
    private KafkaDrain() {
    }

    /** Outcome of a drain. */
    sealed interface Result permits Drained, NoConsumer, TimedOut {
    }

    /** Every group is at the end. */
    record Drained(long groups) implements Result {
    }

    /** Nobody has ever committed an offset on the topic. */
    record NoConsumer() implements Result {
    }

    /** Some events are still unconsumed. */
    record TimedOut(long lag) implements Result {
    }

    static Result await(String bootstrap, String topic, Duration timeout) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                                               AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                                               AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000))) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                Lag lag = lag(admin, topic);
                if (lag.groups() == 0) {
                    return new NoConsumer();
                }
                if (lag.events() == 0) {
                    return new Drained(lag.groups());
                }
                if (System.nanoTime() > deadline) {
                    return new TimedOut(lag.events());
                }
                TimeUnit.MILLISECONDS.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new TimedOut(-1);
        } catch (ExecutionException | TimeoutException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return new NoConsumer();
            }
            throw new IllegalStateException("cannot read consumer lag of " + topic + ": " + e.getMessage(), e);
        }
    }

    private record Lag(long groups, long events) {
    }

    private static Lag lag(Admin admin, String topic) throws ExecutionException, InterruptedException, TimeoutException {
        TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS).get(topic);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        d.partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        var ends = admin.listOffsets(latest).all().get(5, TimeUnit.SECONDS);
        long groups = 0;
        long events = 0;
        for (ConsumerGroupListing g : admin.listConsumerGroups().all().get(5, TimeUnit.SECONDS)) {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(g.groupId()).partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
            Set<TopicPartition> mine = committed.keySet().stream().filter(tp -> tp.topic().equals(topic))
                    .collect(java.util.stream.Collectors.toSet());
            if (mine.isEmpty()) {
                continue;
            }
            groups++;
            for (var e : ends.entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                events += Math.max(0, e.getValue().offset() - (c == null ? 0 : c.offset()));
            }
        }
        return new Lag(groups, events);
    }
}
