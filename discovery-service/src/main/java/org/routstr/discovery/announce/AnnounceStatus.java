package org.routstr.discovery.announce;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.routstr.nostr.Event;
import org.routstr.nostr.PublishResult;

/**
 * The last announcement attempt, for health and for the node's own {@code /v1/providers} entry.
 *
 * @param state {@code published}, {@code up-to-date} (the relays hold an equal listing), {@code no-nsec}, {@code no-endpoint},
 *              {@code no-relays}, {@code not-yet}
 * @param event the listing published or found equal
 */
public record AnnounceStatus(String state, Optional<Event> event, List<PublishResult> results, Instant at) {
    public AnnounceStatus {
        results = List.copyOf(results);
    }

    static AnnounceStatus of(String state) {
        return new AnnounceStatus(state, Optional.empty(), List.of(), Instant.now());
    }
}
