package org.routstr.discovery;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.helidon.webserver.WebServer;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.routstr.common.events.ControlEvent;
import org.routstr.common.json.Json;
import org.routstr.common.kafka.ControlBus;
import org.routstr.common.kafka.Kafka;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.common.server.RunningService;
import org.routstr.nostr.Backoff;
import org.routstr.nostr.Event;
import org.routstr.nostr.Filter;
import org.routstr.nostr.Keys;
import org.routstr.nostr.NostrJson;
import org.routstr.nostr.RelayClient;
import org.routstr.nostr.RelayOptions;
import org.routstr.testsupport.NostrTools;
import org.routstr.testsupport.NostrTools.LocalRelay;
import org.routstr.testsupport.RealInfra;
import org.routstr.testsupport.ServiceSmoke;
import org.routstr.testsupport.TestDb;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/**
 * The service against a real relay (npm {@code @nostr-relay/core} on 127.0.0.1), PostgreSQL and Kafka: it announces at
 * start, re-announces on {@code settings.changed}, keeps the nsec sealed, publishes nothing without one (and says so), and
 * lists a second node from the relay until that node's {@code /v1/info} stops answering. nostr-tools verifies what it signs.
 */
@RealInfra
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DiscoveryServiceTest {
    private static final RelayOptions FAST = new RelayOptions(Duration.ofSeconds(5), Duration.ofSeconds(5),
                                                              new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 0.2));
    private final HttpClient http = HttpClient.newHttpClient();

    /** The test database is shared by the class: start each test without stored settings or reports. */
    @org.junit.jupiter.api.BeforeEach
    void clean(TestDb db) throws Exception {
        try (Connection c = db.dataSource().getConnection(); var st = c.createStatement()) {
            st.execute("DELETE FROM settings; DELETE FROM discovery_usage_reports; DELETE FROM usage_hourly");
        }
    }

    private static Map<String, String> config(LocalRelay relay, Optional<Keys> keys) {
        Map<String, String> m = new HashMap<>();
        m.put("discovery.relays", relay.url());
        m.put("discovery.http-url", "https://node.example/");
        m.put("discovery.onion-url", "abcdefexampleonion.onion");
        m.put("discovery.mints", "https://mint.example,https://mint2.example");
        m.put("discovery.secret-key", "test-node-secret");
        m.put("discovery.relay-timeout", "PT5S");
        m.put("discovery.backoff-initial", "PT0.1S");
        m.put("discovery.backoff-max", "PT1S");
        m.put("discovery.providers.health-interval", "PT1S");
        m.put("discovery.providers.health-timeout", "PT2S");
        keys.ifPresent(k -> m.put("discovery.nsec", k.nsec()));
        return m;
    }

    @Test
    void announcesAtStartReannouncesOnSettingsChangedAndReportsUsage(TestDb db, KafkaSettings kafka) throws Exception {
        Keys keys = Keys.generate();
        insertUsage(db, Instant.now().minus(Duration.ofDays(1)));
        Map<String, String> cfg = new HashMap<>();
        try (LocalRelay relay = NostrTools.relay(); RelayClient reader = new RelayClient(relay.url(), FAST, n -> { })) {
            cfg.putAll(config(relay, Optional.of(keys)));
            cfg.put("discovery.usage-report.enabled", "true");
            cfg.put("discovery.usage-report.interval", "PT1S");
            RunningService s = Main.start(ServiceSmoke.config(db, kafka, cfg));
            try {
                Event first = awaitListing(reader, keys, e -> true);
                assertThat(first.tags(), is(List.of(List.of("d", keys.pubkey().substring(0, 12)), List.of("u", "https://node.example"),
                        List.of("u", "http://abcdefexampleonion.onion"), List.of("mint", "https://mint.example"),
                        List.of("mint", "https://mint2.example"), List.of("version", "0.1.0"))));
                assertThat(first.content(), is("{\"name\":\"Routstr node\",\"about\":\"An OpenAI-compatible API paid with Cashu eCash\"}"));
                System.out.println("ANNOUNCEMENT AS STORED BY THE RELAY: " + first.toJson());

                String sealed = setting(db, "nostr-nsec");
                assertThat(sealed, containsString("v1:"));
                assertThat(sealed, not(containsString(keys.nsec())));
                assertThat(get(s.internalPort(), "/health").body(), containsString("\"publishing\":\"on\""));

                update(db, "name", "\"Renamed node\"");
                try (KafkaProducer<String, byte[]> p = Kafka.producer(kafka); ControlBus bus = new ControlBus(kafka, p)) {
                    bus.publish(ControlEvent.of("settings.changed", "name", Map.of()));
                    p.flush();
                }
                Event second = awaitListing(reader, keys, e -> e.content().contains("Renamed node"));
                assertThat(second.createdAt(), greaterThan(first.createdAt()));
                assertThat(second.tag("d"), is(first.tag("d")));

                Event report = awaitEvent(reader, Filter.kinds(10, 38422).authors(keys.pubkey()), e -> true);
                assertThat(report.tag("a").orElseThrow(), is("38421:" + keys.pubkey() + ":" + first.tag("d").orElseThrow()));
                JsonNode content = NostrJson.read(report.content());
                assertThat(content.at("/summary/requests").asLong(), is(7L));
                assertThat(content.at("/models/0/model").asText(), is("m1"));

                JsonNode verdict = NostrJson.read(NostrTools.verify(NostrJson.write(List.of(first, second, report))));
                for (JsonNode v : verdict) {
                    assertThat(v.toString(), v.get("valid").asBoolean() && v.get("idMatches").asBoolean(), is(true));
                }
            } finally {
                s.stop();
            }
        }
    }

    @Test
    void withoutAnNsecItRunsPublishesNothingAndSaysSoInHealth(TestDb db, KafkaSettings kafka) throws Exception {
        try (LocalRelay relay = NostrTools.relay(); RelayClient reader = new RelayClient(relay.url(), FAST, n -> { })) {
            RunningService s = Main.start(ServiceSmoke.config(db, kafka, config(relay, Optional.empty())));
            try {
                String health = get(s.internalPort(), "/health").body();
                assertThat(health, containsString("\"nsec\":\"absent\""));
                assertThat(health, containsString("no nsec, nothing is published"));
                await(() -> get(s.internalPort(), "/health").body().contains("\"announcement\":\"no-nsec\""));
                assertThat(reader.query(List.of(Filter.kinds(10, 38421)), Duration.ofSeconds(5)).get().events(), is(List.of()));
                JsonNode own = Json.mapper().readTree(get(s.port(), "/v1/providers/").body()).get("providers").get(0);
                assertThat(own.get("endpoint_url").asText(), is("https://node.example"));
                assertThat(own.get("pubkey").asText(), is(""));
            } finally {
                s.stop();
            }
        }
    }

    @Test
    void listsASecondNodeFromTheRelayAndDropsItWhenItsInfoStops(TestDb db, KafkaSettings kafka) throws Exception {
        Keys self = Keys.generate();
        Keys other = Keys.generate();
        WebServer node2 = WebServer.builder().host("127.0.0.1").port(0)
                .routing(r -> r.get("/v1/info", (req, res) -> res.send("{\"name\":\"second\"}"))).build().start();
        try (LocalRelay relay = NostrTools.relay(); RelayClient writer = new RelayClient(relay.url(), FAST, n -> { })) {
            long now = Instant.now().getEpochSecond();
            String url = "http://127.0.0.1:" + node2.port();
            Event listing = Event.sign(other, now, 38421, List.of(List.of("d", "second"), List.of("u", url),
                    List.of("mint", "https://m.example"), List.of("version", "9.9")), "{\"name\":\"Second\",\"about\":\"two\"}");
            Event noEndpoint = Event.sign(Keys.generate(), now, 38421, List.of(List.of("d", "x")), "{}");
            Event stale = Event.sign(Keys.generate(), now - 400L * 86400, 38421, List.of(List.of("d", "old"), List.of("u", url)), "{}");
            Event badContent = Event.sign(Keys.generate(), now, 38421, List.of(List.of("d", "bad"), List.of("u", url)), "not json");
            for (Event e : List.of(listing, noEndpoint, stale, badContent)) {
                assertThat(writer.publish(e).get().accepted(), is(true));
            }
            RunningService s = Main.start(ServiceSmoke.config(db, kafka, config(relay, Optional.of(self))));
            try {
                await(() -> providers(s.port(), "").size() == 2);
                JsonNode list = providers(s.port(), "");
                assertThat(list.get(0).get("pubkey").asText(), is(self.pubkey()));
                JsonNode second = list.get(1);
                assertThat(second.get("id").asText(), is("second"));
                assertThat(second.get("pubkey").asText(), is(other.pubkey()));
                assertThat(second.get("endpoint_url").asText(), is(url));
                assertThat(second.get("name").asText(), is("Second"));
                assertThat(second.get("description").asText(), is("two"));
                assertThat(second.get("mint_urls").get(0).asText(), is("https://m.example"));
                JsonNode withHealth = providers(s.port(), "include_json=true&pubkey=" + other.npub());
                assertThat(withHealth.size(), is(1));
                assertThat(withHealth.get(0).at("/health/endpoint").asText(), is("info"));
                assertThat(withHealth.get(0).at("/health/json/name").asText(), is("second"));
                HttpResponse<String> redirect = get(s.port(), "/v1/providers?include_json=true");
                assertThat(redirect.statusCode(), is(307));
                assertThat(redirect.headers().firstValue("location").orElseThrow(), is("/v1/providers/?include_json=true"));
                assertThat(get(s.port(), "/v1/providers/?pubkey=nonsense").statusCode(), is(400));

                node2.stop();
                await(() -> providers(s.port(), "").size() == 1);
                assertThat(providers(s.port(), "").get(0).get("pubkey").asText(), is(self.pubkey()));
            } finally {
                s.stop();
            }
        } finally {
            node2.stop();
        }
    }

    private JsonNode providers(int port, String query) {
        try {
            HttpResponse<String> r = get(port, "/v1/providers/" + (query.isEmpty() ? "" : "?" + query));
            assertThat(r.body(), r.statusCode(), is(200));
            return Json.mapper().readTree(r.body()).get("providers");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private HttpResponse<String> get(int port, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                             HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Event awaitListing(RelayClient reader, Keys keys, java.util.function.Predicate<Event> p) throws Exception {
        return awaitEvent(reader, Filter.kinds(10, 38421).authors(keys.pubkey()), p);
    }

    private static Event awaitEvent(RelayClient reader, Filter f, java.util.function.Predicate<Event> p) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Event> e = reader.query(List.of(f), Duration.ofSeconds(5)).get().events().stream().filter(p).findFirst();
            if (e.isPresent()) {
                return e.get();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no matching event on the relay within 60 s");
    }

    private static void await(BooleanSupplier c) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 60 s");
            }
            Thread.sleep(200);
        }
    }

    private static void insertUsage(TestDb db, Instant yesterday) throws Exception {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO usage_hourly (hour, model, requests, input_tokens, output_tokens) VALUES "
                + "(date_trunc('day', ?::timestamptz AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + interval '3 hours', 'm1', 5, 100, 50), "
                + "(date_trunc('day', ?::timestamptz AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + interval '4 hours', 'm2', 2, 10, 5) "
                + "ON CONFLICT DO NOTHING")) {
            ps.setString(1, yesterday.toString());
            ps.setString(2, yesterday.toString());
            ps.executeUpdate();
        }
    }

    private static String setting(TestDb db, String name) throws Exception {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT value::text FROM settings WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : "";
            }
        }
    }

    private static void update(TestDb db, String name, String json) throws Exception {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO settings (name, value) VALUES (?, ?::jsonb) ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value")) {
            ps.setString(1, name);
            ps.setString(2, json);
            ps.executeUpdate();
        }
    }
}
