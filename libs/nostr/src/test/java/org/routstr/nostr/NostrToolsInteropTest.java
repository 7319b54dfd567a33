package org.routstr.nostr;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.routstr.testsupport.NostrTools;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * nostr-tools (npm, pinned) recomputes the id and verifies the signature of events this library signs, including contents
 * with escapes, non-ASCII and control characters; and it refuses a tampered one (so the check can fail).
 */
class NostrToolsInteropTest {
    @Test
    void nostrToolsVerifiesWhatJavaSigns() {
        List<Event> events = new ArrayList<>();
        String[] contents = {"", "plain", "line\nbreak \"quoted\" back\\slash", "⚡ emoji 🙂 and \u2028 separator",
                             "ctl \u0001\u001f\b\f\r\t", "{\"name\":\"Routstr <node> & co\",\"about\":\"a/b\"}"};
        for (int i = 0; i < contents.length; i++) {
            events.add(Event.sign(Keys.generate(), 1_700_000_000L + i, i % 2 == 0 ? 1 : 38421,
                                  List.of(List.of("d", "node-" + i), List.of("u", "https://n" + i + ".example"), List.of("t")),
                                  contents[i]));
        }
        Event good = events.get(0);
        events.add(new Event(good.id(), good.pubkey(), good.createdAt(), good.kind(), good.tags(), "tampered", good.sig()));
        JsonNode out = NostrJson.read(NostrTools.verify(NostrJson.write(events)));
        for (int i = 0; i < contents.length; i++) {
            assertThat("event " + i + " valid", out.get(i).get("valid").asBoolean(), is(true));
            assertThat("event " + i + " id", out.get(i).get("idMatches").asBoolean(), is(true));
        }
        assertThat(out.get(contents.length).get("valid").asBoolean(), is(false));
    }
}
