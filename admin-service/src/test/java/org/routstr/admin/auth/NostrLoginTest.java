package org.routstr.admin.auth;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import org.routstr.common.json.Json;
import org.routstr.nostr.Event;
import org.routstr.nostr.Keys;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * NIP-98 checks, without a server: the u tag's path and the method must match, the event must be fresh, kind 27235 and
 * correctly signed. (The login through the front door, replay refusal and the admin-npub check are in AdminApiTest.)
 */
public class NostrLoginTest {
    private static final String PATH = "/admin/api/auth/nostr";
    private final Keys keys = Keys.generate();

    @Test
    void aFreshSignedEventForThisUrlAndMethodPasses() {
        long now = Instant.now().getEpochSecond();
        Event e = Nip98.verify(header(keys, now, 27235, "http://127.0.0.1:8000" + PATH, "POST"), "POST", PATH, now);
        assertThat(e.pubkey(), is(keys.pubkey()));
    }

    @Test
    void everyWrongPartIsRefusedWithA401() {
        long now = Instant.now().getEpochSecond();
        String url = "http://127.0.0.1:8000" + PATH;
        assertRefused(header(keys, now, 27235, "http://127.0.0.1:8000/admin/api/auth/login", "POST"), now, "nostr_event_invalid");
        assertRefused(header(keys, now, 27235, url, "GET"), now, "nostr_event_invalid");
        assertRefused(header(keys, now - 120, 27235, url, "POST"), now, "nostr_event_stale");
        assertRefused(header(keys, now, 1, url, "POST"), now, "nostr_event_invalid");
        assertRefused("Nostr not-base64!", now, "nostr_event_invalid");
        assertRefused("Bearer x", now, "nostr_auth_required");
        String good = header(keys, now, 27235, url, "POST");
        JsonNode tampered = Json.parse(Base64.getDecoder().decode(good.substring(6)));
        ((com.fasterxml.jackson.databind.node.ObjectNode) tampered).put("content", "changed");
        assertRefused("Nostr " + Base64.getEncoder().encodeToString(tampered.toString().getBytes(StandardCharsets.UTF_8)), now,
                      "nostr_event_invalid");
    }

    private static void assertRefused(String header, long now, String code) {
        try {
            Nip98.verify(header, "POST", PATH, now);
            throw new AssertionError("accepted: " + header);
        } catch (org.routstr.common.http.ApiException e) {
            assertThat(e.getMessage(), e.status(), is(401));
            assertThat(e.code(), is(code));
        }
    }

    /** A NIP-98 Authorization header. */
    public static String header(Keys keys, long createdAt, int kind, String url, String method) {
        Event e = Event.sign(keys, createdAt, kind, List.of(List.of("u", url), List.of("method", method)), "");
        return "Nostr " + Base64.getEncoder().encodeToString(Json.string(e).getBytes(StandardCharsets.UTF_8));
    }
}
