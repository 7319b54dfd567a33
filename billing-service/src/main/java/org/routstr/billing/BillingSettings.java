package org.routstr.billing;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.helidon.config.Config;

import org.routstr.billing.consume.ConsumerSettings;
import org.routstr.billing.rate.RateSettings;
import org.routstr.billing.rate.RateSource;
import org.routstr.common.events.Topics;

/**
 * The {@code billing} configuration node, validated when the service starts (see application.yaml for each key).
 */
record BillingSettings(ConsumerSettings consumer,
                       Duration orphanAfter,
                       Duration orphanSweepInterval,
                       Duration housekeepingInterval,
                       Duration processedRetention,
                       RateSettings rate,
                       int topicPartitions,
                       short topicReplication) {
    BillingSettings {
        Objects.requireNonNull(orphanAfter, "billing.orphan-after");
        // a gateway heartbeats every 15 s by default: anything shorter than a few beats would sweep live streams
        if (orphanAfter.compareTo(Duration.ofSeconds(30)) < 0) {
            throw new IllegalArgumentException("billing.orphan-after must be at least 30 s, was " + orphanAfter);
        }
        if (orphanSweepInterval.isNegative() || orphanSweepInterval.isZero()
            || housekeepingInterval.isNegative() || housekeepingInterval.isZero()) {
            throw new IllegalArgumentException("billing job intervals must be positive");
        }
        // a redelivery older than this would be recorded as new (and charged nothing: its reservation is final); keep it
        // longer than the usage topic keeps its records
        if (processedRetention.compareTo(Duration.ofDays(1)) < 0) {
            throw new IllegalArgumentException("billing.processed-retention must be at least 1 day, was " + processedRetention);
        }
        if (topicPartitions < 1 || topicReplication < 1) {
            throw new IllegalArgumentException("billing.topic-partitions and topic-replication must be positive");
        }
    }

    static BillingSettings from(Config billing) {
        Config c = billing.get("consumer");
        ConsumerSettings consumer = new ConsumerSettings(c.get("group").asString().orElse("billing"),
                                                         c.get("topic").asString().orElse(Topics.USAGE),
                                                         c.get("batch-size").asInt().orElse(10_000),
                                                         c.get("parallelism").asInt().orElse(1),
                                                         duration(c.get("poll-timeout"), Duration.ofMillis(200)),
                                                         duration(c.get("retry-backoff"), Duration.ofSeconds(1)),
                                                         duration(c.get("session-timeout"), Duration.ofSeconds(10)),
                                                         c.get("instance-id").asString().asOptional().filter(v -> !v.isBlank()));
        return new BillingSettings(consumer,
                                   duration(billing.get("orphan-after"), Duration.ofSeconds(120)),
                                   duration(billing.get("orphan-sweep-interval"), Duration.ofSeconds(30)),
                                   duration(billing.get("housekeeping-interval"), Duration.ofSeconds(60)),
                                   duration(billing.get("processed-retention"), Duration.ofDays(30)),
                                   rate(billing),
                                   billing.get("topic-partitions").asInt().orElse(4),
                                   billing.get("topic-replication").asInt().orElse(1).shortValue());
    }

    private static RateSettings rate(Config billing) {
        Config rate = billing.get("rate");
        List<RateSource> sources = new ArrayList<>();
        rate.get("sources").asNodeList().ifPresent(nodes -> nodes.forEach(n -> sources.add(
                new RateSource(RateSource.Kind.valueOf(n.get("kind").asString().get().trim().toUpperCase(Locale.ROOT)),
                               URI.create(n.get("url").asString().get())))));
        return new RateSettings(sources,
                                billing.get("fixed-usd-per-btc").asString().map(BigDecimal::new),
                                duration(rate.get("refresh-min"), Duration.ofSeconds(60)),
                                duration(rate.get("refresh-max"), Duration.ofSeconds(120)),
                                rate.get("max-deviation").asDouble().orElse(0.02),
                                rate.get("min-sources").asInt().orElse(2),
                                duration(rate.get("timeout"), Duration.ofSeconds(5)));
    }

    /** Reads a duration written as ISO-8601 ({@code PT2M}) or as a number with a unit ({@code 120s}, {@code 500ms}, {@code 2m}). */
    static Duration duration(Config node, Duration fallback) {
        return node.asString().map(BillingSettings::parseDuration).orElse(fallback);
    }

    static Duration parseDuration(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        if (v.startsWith("p")) {
            return Duration.parse(v.toUpperCase(Locale.ROOT));
        }
        Matcher m = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?").matcher(v);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: " + s);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2) == null ? "s" : m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofSeconds(n);
        };
    }
}
