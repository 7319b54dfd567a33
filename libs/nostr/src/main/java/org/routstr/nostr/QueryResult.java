package org.routstr.nostr;

import java.util.List;
import java.util.Optional;

/**
 * The stored events a {@code REQ} returned.
 *
 * @param complete true if the relay said {@code EOSE}; false after a timeout, a {@code CLOSED} or no connection
 * @param closed   the relay's {@code CLOSED} message, if it refused the subscription
 */
public record QueryResult(List<Event> events, boolean complete, Optional<String> closed) {
    public QueryResult {
        events = List.copyOf(events);
    }
}
