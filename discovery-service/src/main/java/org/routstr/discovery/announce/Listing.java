package org.routstr.discovery.announce;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.routstr.discovery.identity.Identity;
import org.routstr.nostr.Event;
import org.routstr.nostr.Keys;
import org.routstr.nostr.NostrJson;

/**
 * The provider announcement, kind 38421, built exactly as routstr-core's {@code create_listing_event}: tags {@code d},
 * every {@code u}, every {@code mint}, {@code version}; content the compact JSON {@code {"name","about"}}.
 */
public final class Listing {
    public static final int KIND = 38421;

    private Listing() {
    }

    /** The listing's {@code d}: configured provider id, else the newest existing listing's, else the pubkey's first 12 hex. */
    static String providerId(Identity id, Keys keys, List<Event> existing) {
        return id.providerId().or(() -> existing.stream().filter(e -> e.kind() == KIND)
                        .max((a, b) -> Long.compare(a.createdAt(), b.createdAt())).flatMap(e -> e.tag("d")))
                .orElse(keys.pubkey().substring(0, 12));
    }

    static Event build(Identity id, Keys keys, String d, long createdAt) {
        List<List<String>> tags = new ArrayList<>();
        tags.add(List.of("d", d));
        id.endpoints().forEach(u -> tags.add(List.of("u", u)));
        id.mints().stream().map(String::strip).filter(m -> !m.isEmpty()).forEach(m -> tags.add(List.of("mint", m)));
        tags.add(List.of("version", id.version()));
        ObjectNode content = NostrJson.mapper().createObjectNode().put("name", id.name()).put("about", id.about());
        return Event.sign(keys, createdAt, KIND, tags, NostrJson.write(content));
    }

    /** routstr-core's "semantically equal": kind, d, set of u, set of mint, version, parsed content. */
    static boolean sameListing(Event a, Event b) {
        return a.kind() == b.kind() && a.tag("d").equals(b.tag("d"))
                && new HashSet<>(a.tagValues("u")).equals(new HashSet<>(b.tagValues("u")))
                && new HashSet<>(a.tagValues("mint")).equals(new HashSet<>(b.tagValues("mint")))
                && a.tag("version").equals(b.tag("version")) && Objects.equals(content(a), content(b));
    }

    private static Optional<JsonNode> content(Event e) {
        try {
            return Optional.of(NostrJson.read(e.content()));
        } catch (IllegalArgumentException ex) {
            return Optional.empty();
        }
    }
}
