package org.routstr.nostr;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import org.routstr.crypto.Hex;
import org.routstr.crypto.Secp256k1;

/**
 * A signed Nostr event. The id is SHA-256 of the compact JSON {@code [0,pubkey,created_at,kind,tags,content]}, written
 * by hand as NIP-01 and the JavaScript clients write it.
 *
 * @see <a href="https://github.com/nostr-protocol/nips/blob/master/01.md">NIP-01</a>
 */
public record Event(String id, String pubkey, @JsonProperty("created_at") long createdAt, int kind, List<List<String>> tags,
                    String content, String sig) {
    public Event {
        tags = tags.stream().map(List::copyOf).toList();
    }

    /** Builds and signs an event. */
    public static Event sign(Keys keys, long createdAt, int kind, List<List<String>> tags, String content) {
        String id = computeId(keys.pubkey(), createdAt, kind, tags, content);
        return new Event(id, keys.pubkey(), createdAt, kind, tags, content, Hex.encode(Schnorr.sign(keys, Hex.decode(id))));
    }

    /**
     * The NIP-01 serialization whose SHA-256 is the id: compact, the seven short escapes, other control characters as
     * lowercase {@code \\u00xx} (what JavaScript's JSON.stringify writes, where Jackson would write uppercase), the rest verbatim.
     */
    public static String serialize(String pubkey, long createdAt, int kind, List<List<String>> tags, String content) {
        StringBuilder sb = new StringBuilder(128 + content.length()).append("[0,");
        string(sb, pubkey).append(',').append(createdAt).append(',').append(kind).append(",[");
        for (int i = 0; i < tags.size(); i++) {
            sb.append(i == 0 ? "[" : ",[");
            List<String> tag = tags.get(i);
            for (int j = 0; j < tag.size(); j++) {
                string(j == 0 ? sb : sb.append(','), tag.get(j));
            }
            sb.append(']');
        }
        return string(sb.append("],"), content).append(']').toString();
    }

    private static StringBuilder string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"');
    }

    public static String computeId(String pubkey, long createdAt, int kind, List<List<String>> tags, String content) {
        return Hex.encode(Secp256k1.sha256(serialize(pubkey, createdAt, kind, tags, content).getBytes(StandardCharsets.UTF_8)));
    }

    /** True if the id is the hash of the fields and the signature is the author's. */
    public boolean verify() {
        return Schnorr.isHex(id, 64) && Schnorr.isHex(pubkey, 64) && id.equals(computeId(pubkey, createdAt, kind, tags, content))
                && Schnorr.verify(pubkey, Hex.decode(id), sig);
    }

    /** The first value of the first tag with this name. */
    public Optional<String> tag(String name) {
        return tags.stream().filter(t -> t.size() > 1 && t.get(0).equals(name)).map(t -> t.get(1)).findFirst();
    }

    /** Every first value of the tags with this name, in order. */
    public List<String> tagValues(String name) {
        return tags.stream().filter(t -> t.size() > 1 && t.get(0).equals(name)).map(t -> t.get(1)).toList();
    }

    /** The event as JSON (the relay wire form). */
    public String toJson() {
        return NostrJson.write(this);
    }

    /**
     * Reads an event from relay JSON, strictly: lowercase hex fields of the right length, integer created_at and kind,
     * tags made of strings only.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static Event fromJson(JsonNode n) {
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("event is not an object");
        }
        String id = hex(n, "id", 64);
        String pubkey = hex(n, "pubkey", 64);
        String sig = hex(n, "sig", 128);
        JsonNode created = n.get("created_at");
        JsonNode kind = n.get("kind");
        JsonNode content = n.get("content");
        JsonNode tags = n.get("tags");
        if (created == null || !created.canConvertToLong() || !created.isIntegralNumber() || kind == null || !kind.isInt()
                || kind.asInt() < 0 || kind.asInt() > 65535 || content == null || !content.isTextual() || tags == null || !tags.isArray()) {
            throw new IllegalArgumentException("event fields have the wrong types");
        }
        List<List<String>> t = new ArrayList<>();
        for (JsonNode tag : tags) {
            if (!tag.isArray()) {
                throw new IllegalArgumentException("a tag is not an array");
            }
            List<String> values = new ArrayList<>();
            for (JsonNode v : tag) {
                if (!v.isTextual()) {
                    throw new IllegalArgumentException("a tag holds a non-string");
                }
                values.add(v.asText());
            }
            t.add(values);
        }
        return new Event(id, pubkey, created.asLong(), kind.asInt(), t, content.asText(), sig);
    }

    private static String hex(JsonNode n, String field, int length) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || !Schnorr.isHex(v.asText(), length) || !v.asText().equals(v.asText().toLowerCase())) {
            throw new IllegalArgumentException("event " + field + " must be " + length + " lowercase hex characters");
        }
        return v.asText();
    }
}
