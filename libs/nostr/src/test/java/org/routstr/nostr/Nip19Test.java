package org.routstr.nostr;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * NIP-19: the official examples and nostr-tools' naddr vectors decode (and re-encode where the TLV order is canonical), and
 * the derived Routstr listing's nsec, npub and naddr.
 */
class Nip19Test {
    @Test
    void officialExamples() {
        JsonNode v = NostrVectors.json("nip19-vectors.json");
        int n = 0;
        for (JsonNode e : v.get("official")) {
            String type = e.get("type").asText();
            String b = e.get("bech32").asText();
            switch (type) {
                case "npub", "nsec" -> {
                    assertThat(b, Nip19.decode32(b, type), is(e.get("hex").asText()));
                    String back = type.equals("npub") ? Nip19.npub(e.get("hex").asText()) : Nip19.nsec(e.get("hex").asText());
                    assertThat(back, is(b));
                }
                case "nprofile" -> {
                    Nip19.Profile p = Nip19.decodeNprofile(b);
                    assertThat(p.pubkey(), is(e.get("pubkey").asText()));
                    assertThat(p.relays(), is(strings(e.get("relays"))));
                    assertThat(Nip19.nprofile(p), is(b));
                }
                default -> throw new AssertionError("unexpected type " + type);
            }
            n++;
        }
        assertThat(n, is(4));
    }

    @Test
    void nostrToolsNaddrVectorsIncludingOtherTlvOrder() {
        JsonNode v = NostrVectors.json("nip19-vectors.json");
        int n = 0;
        for (JsonNode e : v.get("nostr-tools")) {
            Nip19.Address a = Nip19.decodeNaddr(e.get("bech32").asText());
            assertThat(a.pubkey(), is(e.get("pubkey").asText()));
            assertThat(a.kind(), is(e.get("kind").asInt()));
            assertThat(a.identifier(), is(e.get("identifier").asText()));
            assertThat(a.relays(), is(strings(e.get("relays"))));
            assertThat(Nip19.decodeNaddr(Nip19.naddr(a)), is(a));
            n++;
        }
        assertThat(n, is(2));
    }

    @Test
    void derivedListingKeysAndAddress() {
        JsonNode v = NostrVectors.json("derived-routstr-38421-event.json");
        Keys k = Keys.parse(v.get("nsec").asText());
        assertThat(k.pubkey(), is(v.get("pubkey_hex").asText()));
        assertThat(k.npub(), is(v.get("npub").asText()));
        assertThat(k.nsec(), is(v.get("nsec").asText()));
        assertThat(Keys.parse(v.get("secret_key_hex").asText()).pubkey(), is(k.pubkey()));
        Nip19.Address a = new Nip19.Address("dff1d77f2a67", k.pubkey(), 38421, List.of());
        assertThat(Nip19.naddr(a), is(v.get("naddr_for_this_event").asText()));
        assertThat(a.coordinate(), is(v.get("a_tag_coordinate").asText()));
        assertThat(k.toString().contains("nsec"), is(false));
    }

    @Test
    void rejectsBadChecksumsPrefixesAndMixedCase() {
        String npub = "npub10elfcs4fr0l0r8af98jlmgdh9c8tcxjvz9qkw038js35mp4dma8qzvjptg";
        assertThrows(IllegalArgumentException.class, () -> Nip19.decode32(npub.substring(0, npub.length() - 1) + "q", "npub"));
        assertThrows(IllegalArgumentException.class, () -> Nip19.decode32(npub, "nsec"));
        assertThrows(IllegalArgumentException.class, () -> Nip19.decode32("Npub" + npub.substring(4), "npub"));
        assertThrows(IllegalArgumentException.class, () -> Keys.parse("nope"));
    }

    private static List<String> strings(JsonNode a) {
        return java.util.stream.StreamSupport.stream(a.spliterator(), false).map(JsonNode::asText).toList();
    }
}
