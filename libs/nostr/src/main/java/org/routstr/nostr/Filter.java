package org.routstr.nostr;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A NIP-01 subscription filter (conditions are ANDed): kinds, authors (hex), single-letter tag values, since, limit.
 */
public record Filter(List<Integer> kinds, List<String> authors, Map<String, List<String>> tags, Optional<Long> since,
                     Optional<Integer> limit) {
    public Filter {
        kinds = List.copyOf(kinds);
        authors = List.copyOf(authors);
        tags = Map.copyOf(tags);
    }

    /** Events of these kinds, newest {@code limit} first. */
    public static Filter kinds(int limit, Integer... kinds) {
        return new Filter(List.of(kinds), List.of(), Map.of(), Optional.empty(), Optional.of(limit));
    }

    public Filter authors(String... pubkeys) {
        return new Filter(kinds, List.of(pubkeys), tags, since, limit);
    }

    ObjectNode toJson() {
        ObjectNode n = NostrJson.mapper().createObjectNode();
        if (!kinds.isEmpty()) {
            kinds.forEach(n.putArray("kinds")::add);
        }
        if (!authors.isEmpty()) {
            authors.forEach(n.putArray("authors")::add);
        }
        tags.forEach((k, v) -> v.forEach(n.putArray("#" + k)::add));
        since.ifPresent(s -> n.put("since", s));
        limit.ifPresent(l -> n.put("limit", l));
        return n;
    }
}
