package org.routstr.discovery.announce;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import org.routstr.discovery.identity.Identity;
import org.routstr.discovery.identity.NodeRelays;
import org.routstr.nostr.Backoff;
import org.routstr.nostr.Event;
import org.routstr.nostr.Filter;
import org.routstr.nostr.Keys;
import org.routstr.nostr.RelayClient;
import org.routstr.nostr.RelayOptions;
import org.routstr.testsupport.NostrTools;
import org.routstr.testsupport.NostrTools.LocalRelay;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

/**
 * routstr-core's publishing rules against a real relay: publish once, skip while the relay holds an equal listing (the
 * 24 h re-check), publish a newer one when something changed, keep the {@code d} already on the relays, and publish
 * nothing without a key or an endpoint; a relay answering {@code OK false} is reported, not hidden.
 */
class AnnouncerTest {
    private static final RelayOptions FAST = new RelayOptions(Duration.ofSeconds(5), Duration.ofSeconds(5),
                                                              new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 0.2));

    private static Identity identity(String name, Optional<Keys> keys, String url, List<String> relays) {
        return new Identity(name, "about", url, "", List.of("https://mint.example"), relays, Optional.empty(), "1.2.3", keys, "test");
    }

    @Test
    void publishesOnlyWhenTheListingChangedAndKeepsTheExistingD() throws Exception {
        Keys keys = Keys.generate();
        try (LocalRelay relay = NostrTools.relay(); RelayClient reader = new RelayClient(relay.url(), FAST, n -> { })) {
            Event earlier = Event.sign(keys, 1_700_000_000L, 38421, List.of(List.of("d", "my-node"), List.of("u", "https://x.example")), "{}");
            assertThat(reader.publish(earlier).get().accepted(), is(true));
            AtomicReference<Identity> id = new AtomicReference<>(identity("One", Optional.of(keys), "https://one.example", List.of(relay.url())));
            try (NodeRelays relays = new NodeRelays(FAST, List.of(relay.url())); Announcer a = new Announcer(id::get, relays, Duration.ofSeconds(5))) {
                AnnounceStatus first = a.announce();
                assertThat(first.state(), is("published"));
                Event published = first.event().orElseThrow();
                assertThat(published.tag("d"), is(Optional.of("my-node")));
                assertThat(published.tagValues("u"), is(List.of("https://one.example")));

                AnnounceStatus again = a.announce();
                assertThat(again.state(), is("up-to-date"));
                assertThat(stored(reader, keys), is(List.of(published)));

                id.set(identity("Two", Optional.of(keys), "https://one.example", List.of(relay.url())));
                AnnounceStatus changed = a.announce();
                assertThat(changed.state(), is("published"));
                assertThat(changed.event().orElseThrow().createdAt(), greaterThan(published.createdAt()));
                assertThat(stored(reader, keys), is(List.of(changed.event().orElseThrow())));

                id.set(identity("Two", Optional.empty(), "https://one.example", List.of(relay.url())));
                assertThat(a.announce().state(), is("no-nsec"));
                id.set(identity("Two", Optional.of(keys), "http://localhost:8000", List.of(relay.url())));
                assertThat(a.announce().state(), is("no-endpoint"));
                assertThat(stored(reader, keys), is(List.of(changed.event().orElseThrow())));
            }
        }
    }

    @Test
    void aRelayAnsweringOkFalseIsReported() {
        Keys keys = Keys.generate();
        try (LocalRelay relay = NostrTools.relay("--reject", "blocked: paid relay");
             NodeRelays relays = new NodeRelays(FAST, List.of(relay.url()));
             Announcer a = new Announcer(() -> identity("One", Optional.of(keys), "https://one.example", List.of(relay.url())), relays,
                                         Duration.ofSeconds(5))) {
            AnnounceStatus s = a.announce();
            assertThat(s.state(), is("published"));
            assertThat(s.results().get(0).accepted(), is(false));
            assertThat(s.results().get(0).message(), is("blocked: paid relay"));
        }
    }

    private static List<Event> stored(RelayClient reader, Keys keys) throws Exception {
        return reader.query(List.of(Filter.kinds(10, 38421).authors(keys.pubkey())), Duration.ofSeconds(5)).get().events();
    }
}
