package org.routstr.nostr;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.routstr.testsupport.NostrTools;
import org.routstr.testsupport.NostrTools.LocalRelay;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

/**
 * Against a real relay ({@code @nostr-relay/core} on 127.0.0.1, started per test): publish and read back, addressable
 * replacement, a relay that is down and comes back, a slow relay, {@code OK false}, {@code CLOSED}, {@code NOTICE}, two
 * relays at once.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RelayClientTest {
    private static final RelayOptions FAST = new RelayOptions(Duration.ofSeconds(5), Duration.ofSeconds(5),
                                                              new Backoff(Duration.ofMillis(100), Duration.ofMillis(500), 0.2));

    private static Event listing(Keys k, long at, String d, String url) {
        return Event.sign(k, at, 38421, List.of(List.of("d", d), List.of("u", url)), "{\"name\":\"n\",\"about\":\"a\"}");
    }

    @Test
    void publishesAndReadsBackTheNewestAddressableEvent() throws Exception {
        try (LocalRelay relay = NostrTools.relay(); RelayClient c = new RelayClient(relay.url(), FAST, n -> { })) {
            Keys k = Keys.generate();
            Event older = listing(k, 1_700_000_000L, "node", "https://old.example");
            Event newer = listing(k, 1_700_000_100L, "node", "https://new.example");
            assertThat(c.publish(older).get().status(), is(PublishResult.Status.ACCEPTED));
            assertThat(c.publish(newer).get().status(), is(PublishResult.Status.ACCEPTED));
            PublishResult again = c.publish(newer).get();
            assertThat(again.status(), is(PublishResult.Status.ACCEPTED));
            assertThat(again.message(), containsString("duplicate"));
            QueryResult r = c.query(List.of(Filter.kinds(10, 38421).authors(k.pubkey())), Duration.ofSeconds(10)).get();
            assertThat(r.complete(), is(true));
            assertThat(r.events(), is(List.of(newer)));
            assertThat(c.invalidEvents(), is(0L));
        }
    }

    @Test
    void liveSubscriptionSeesNewEventsAndSurvivesARelayRestart() throws Exception {
        try (LocalRelay relay = NostrTools.relay(); RelayClient c = new RelayClient(relay.url(), FAST, n -> { })) {
            List<Event> got = new CopyOnWriteArrayList<>();
            c.subscribe(List.of(Filter.kinds(100, 38421)), (url, e) -> got.add(e));
            Keys k = Keys.generate();
            Event first = listing(k, 1_700_000_000L, "a", "https://a.example");
            assertThat(c.publish(first).get().accepted(), is(true));
            await(() -> got.contains(first));
            relay.restart();
            // the client reconnects by itself and renews the REQ; a second client publishes to the fresh relay
            try (RelayClient other = new RelayClient(relay.url(), FAST, n -> { })) {
                Event second = listing(k, 1_700_000_200L, "b", "https://b.example");
                assertThat(other.publish(second).get().accepted(), is(true));
                await(() -> got.contains(second));
            }
            await(c::connected);
        }
    }

    @Test
    void relayDownIsUnreachableThenPublishingWorksOnceItIsUp() throws Exception {
        LocalRelay relay = NostrTools.relay();
        relay.stop();
        try (RelayClient c = new RelayClient(relay.url(), new RelayOptions(Duration.ofSeconds(2), Duration.ofSeconds(2),
                FAST.backoff()), n -> { })) {
            Event e = listing(Keys.generate(), 1_700_000_000L, "x", "https://x.example");
            long t0 = System.nanoTime();
            PublishResult down = c.publish(e).get();
            assertThat(down.status(), is(PublishResult.Status.UNREACHABLE));
            assertThat("answered within the publish timeout", System.nanoTime() - t0 < Duration.ofSeconds(10).toNanos(), is(true));
            QueryResult q = c.query(List.of(Filter.kinds(1, 38421)), Duration.ofSeconds(1)).get();
            assertThat(q.complete(), is(false));
            relay.restart();
            await(c::connected);
            assertThat(c.publish(e).get().status(), is(PublishResult.Status.ACCEPTED));
        } finally {
            relay.stop();
        }
    }

    @Test
    void slowRelayTimesOutOrAnswersWithinAGenerousTimeout() throws Exception {
        try (LocalRelay relay = NostrTools.relay("--slow-ms", "1500")) {
            Event e = listing(Keys.generate(), 1_700_000_000L, "s", "https://s.example");
            try (RelayClient impatient = new RelayClient(relay.url(), new RelayOptions(Duration.ofSeconds(5), Duration.ofMillis(300),
                    FAST.backoff()), n -> { })) {
                await(impatient::connected);
                assertThat(impatient.publish(e).get().status(), is(PublishResult.Status.TIMEOUT));
                assertThat(impatient.query(List.of(Filter.kinds(5, 38421)), Duration.ofMillis(300)).get().complete(), is(false));
            }
            try (RelayClient patient = new RelayClient(relay.url(), new RelayOptions(Duration.ofSeconds(5), Duration.ofSeconds(30),
                    FAST.backoff()), n -> { })) {
                assertThat(patient.publish(e).get().accepted(), is(true));
                QueryResult r = patient.query(List.of(Filter.kinds(5, 38421)), Duration.ofSeconds(30)).get();
                assertThat(r.complete(), is(true));
                assertThat(r.events(), is(List.of(e)));
            }
        }
    }

    @Test
    void okFalseIsRejectedWithTheRelaysMessage() throws Exception {
        try (LocalRelay relay = NostrTools.relay("--reject", "blocked: not on the allow list");
             RelayClient c = new RelayClient(relay.url(), FAST, n -> { })) {
            PublishResult r = c.publish(listing(Keys.generate(), 1_700_000_000L, "r", "https://r.example")).get();
            assertThat(r.status(), is(PublishResult.Status.REJECTED));
            assertThat(r.message(), is("blocked: not on the allow list"));
        }
    }

    @Test
    void closedAndNoticeReachTheCaller() throws Exception {
        List<String> notices = new CopyOnWriteArrayList<>();
        try (LocalRelay relay = NostrTools.relay("--closed", "restricted: no reading here");
             RelayClient c = new RelayClient(relay.url(), FAST, notices::add)) {
            QueryResult r = c.query(List.of(Filter.kinds(5, 38421)), Duration.ofSeconds(10)).get();
            assertThat(r.complete(), is(false));
            assertThat(r.closed().orElseThrow(), is("restricted: no reading here"));
            // an event whose signature is wrong: the relay itself refuses it with OK false
            Event good = listing(Keys.generate(), 1_700_000_000L, "n", "https://n.example");
            Event forged = new Event(good.id(), good.pubkey(), good.createdAt(), good.kind(), good.tags(), good.content(),
                                     listing(Keys.generate(), 1, "n", "x").sig());
            assertThat(c.publish(forged).get().status(), is(PublishResult.Status.REJECTED));
        }
        try (LocalRelay relay = NostrTools.relay(); RelayClient c = new RelayClient(relay.url(), FAST, notices::add)) {
            await(c::connected);
            c.sendRaw("[\"HELLO\"]");
            await(() -> notices.contains("invalid: unknown message type"));
        }
    }

    @Test
    void poolPublishesToEveryRelayAndMergesQueries() throws Exception {
        try (LocalRelay a = NostrTools.relay(); LocalRelay b = NostrTools.relay("--reject", "blocked: nope");
             RelayPool pool = new RelayPool(List.of(a.url(), b.url()), FAST, n -> { })) {
            Keys k = Keys.generate();
            Event e = listing(k, 1_700_000_000L, "p", "https://p.example");
            List<PublishResult> results = pool.publish(e).get();
            assertThat(results.stream().map(PublishResult::status).toList(),
                       is(List.of(PublishResult.Status.ACCEPTED, PublishResult.Status.REJECTED)));
            assertThat(pool.query(List.of(Filter.kinds(10, 38421).authors(k.pubkey())), Duration.ofSeconds(10)).get(), is(List.of(e)));
        }
    }

    static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 30 s");
            }
            Thread.sleep(50);
        }
    }
}
