package org.routstr.discovery.announce;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.routstr.common.db.DbException;
import org.routstr.discovery.identity.Identity;
import org.routstr.discovery.identity.NodeRelays;
import org.routstr.nostr.Event;
import org.routstr.nostr.Keys;
import org.routstr.nostr.NostrJson;
import org.routstr.nostr.PublishResult;

/**
 * The optional daily usage report, kind 38422: once per completed UTC day, billing's {@code usage_hourly} totals per model
 * (requests and tokens; no money), with an {@code a} tag pointing at the node's 38421 listing. Off unless enabled.
 */
public final class UsageReporter implements AutoCloseable {
    public static final int KIND = 38422;
    public static final String SCHEMA = "routstr.analytics.daily.v2";
    private static final System.Logger LOG = System.getLogger(UsageReporter.class.getName());
    private final DataSource ds;
    private final Supplier<Identity> identity;
    private final NodeRelays relays;
    private final Supplier<AnnounceStatus> listing;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "discovery-usage-report");
        t.setDaemon(true);
        return t;
    });

    public UsageReporter(DataSource ds, Supplier<Identity> identity, NodeRelays relays, Supplier<AnnounceStatus> listing) {
        this.ds = ds;
        this.identity = identity;
        this.relays = relays;
        this.listing = listing;
    }

    /** Checks every {@code interval} whether yesterday (UTC) still needs its report. */
    public UsageReporter start(Duration interval) {
        worker.scheduleWithFixedDelay(() -> {
            try {
                report(LocalDate.now(ZoneOffset.UTC).minusDays(1));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "usage report failed: " + e);
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Publishes the report of a completed day unless done already or the node has no published listing; the event if sent. */
    public Optional<Event> report(LocalDate day) {
        Identity id = identity.get();
        Optional<Event> announced = listing.get().event();
        if (id.keys().isEmpty() || announced.isEmpty() || !day.isBefore(LocalDate.now(ZoneOffset.UTC)) || reported(day)) {
            return Optional.empty();
        }
        Keys keys = id.keys().get();
        String d = announced.get().tag("d").orElseThrow();
        Event e = Event.sign(keys, java.time.Instant.now().getEpochSecond(), KIND,
                List.of(List.of("d", d + ":stats:" + day), List.of("a", Listing.KIND + ":" + keys.pubkey() + ":" + d),
                        List.of("schema", SCHEMA), List.of("day", day.toString())), NostrJson.write(content(d, day)));
        List<PublishResult> results = relays.pool().publish(e).join();
        if (results.stream().anyMatch(PublishResult::accepted)) {
            markReported(day, e.id());
        }
        return Optional.of(e);
    }

    private ObjectNode content(String d, LocalDate day) {
        ObjectNode c = NostrJson.mapper().createObjectNode().put("schema", SCHEMA).put("provider_id", d).put("day", day.toString());
        ArrayNode models = c.putArray("models");
        long requests = 0;
        long input = 0;
        long output = 0;
        try (Connection con = ds.getConnection(); PreparedStatement ps = con.prepareStatement("""
                SELECT model, sum(requests), sum(input_tokens), sum(output_tokens) FROM usage_hourly
                 WHERE hour >= ?::date AND hour < ?::date + 1 GROUP BY model ORDER BY sum(requests) DESC, model""")) {
            ps.setString(1, day.toString());
            ps.setString(2, day.toString());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    models.addObject().put("model", rs.getString(1)).put("requests", rs.getLong(2))
                            .put("input_tokens", rs.getLong(3)).put("output_tokens", rs.getLong(4));
                    requests += rs.getLong(2);
                    input += rs.getLong(3);
                    output += rs.getLong(4);
                }
            }
        } catch (SQLException e) {
            throw new DbException(e);
        }
        c.putObject("summary").put("requests", requests).put("input_tokens", input).put("output_tokens", output);
        return c;
    }

    private boolean reported(LocalDate day) {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT 1 FROM discovery_usage_reports WHERE day = ?::date")) {
            ps.setString(1, day.toString());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new DbException(e);
        }
    }

    private void markReported(LocalDate day, String eventId) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO discovery_usage_reports (day, event_id) VALUES (?::date, ?) ON CONFLICT (day) DO NOTHING")) {
            ps.setString(1, day.toString());
            ps.setString(2, eventId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new DbException(e);
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
