package org.routstr.admin.auth;

import java.net.URI;
import java.util.Base64;
import java.util.Optional;

import org.routstr.common.http.ApiException;
import org.routstr.common.json.Json;
import org.routstr.nostr.Event;

/**
 * NIP-98 HTTP auth (https://github.com/nostr-protocol/nips/blob/master/98.md): {@code Authorization: Nostr <base64 event>}
 * carries a kind-27235 event, signed, created within a minute of now, whose {@code u} tag is this request's URL (its path
 * is compared: the front door changes the host) and whose {@code method} tag is this request's method.
 */
final class Nip98 {
    static final int KIND = 27235;
    private static final long WINDOW_SECONDS = 60;

    private Nip98() {
    }

    /** The signed event of a valid header; a 401 naming what is wrong otherwise. */
    static Event verify(String authorization, String method, String path, long nowSeconds) {
        if (!authorization.regionMatches(true, 0, "Nostr ", 0, 6)) {
            throw refused("nostr_auth_required", "Send Authorization: Nostr <base64 of a signed kind-27235 event>");
        }
        Event e;
        try {
            e = Event.fromJson(Json.parse(Base64.getDecoder().decode(authorization.substring(6).strip())));
        } catch (IllegalArgumentException | Json.BadJson | java.io.UncheckedIOException ex) {
            throw refused("nostr_event_invalid", "The Authorization header is not a base64 Nostr event");
        }
        if (e.kind() != KIND) {
            throw refused("nostr_event_invalid", "The event's kind must be 27235");
        }
        if (Math.abs(nowSeconds - e.createdAt()) > WINDOW_SECONDS) {
            throw refused("nostr_event_stale", "The event's created_at must be within 60 s of now");
        }
        if (!tag(e, "u").map(Nip98::pathOf).orElse("").equals(path)) {
            throw refused("nostr_event_invalid", "The event's u tag must be this request's URL");
        }
        if (!tag(e, "method").orElse("").equalsIgnoreCase(method)) {
            throw refused("nostr_event_invalid", "The event's method tag must be " + method);
        }
        if (!e.verify()) {
            throw refused("nostr_event_invalid", "The event's id or signature is wrong");
        }
        return e;
    }

    private static Optional<String> tag(Event e, String name) {
        return e.tags().stream().filter(t -> t.size() >= 2 && t.get(0).equals(name)).map(t -> t.get(1)).findFirst();
    }

    private static String pathOf(String url) {
        try {
            return Optional.ofNullable(URI.create(url).getRawPath()).orElse("");
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private static ApiException refused(String code, String message) {
        return ApiException.unauthorized(code, message);
    }
}
