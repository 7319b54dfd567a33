package org.routstr.crypto.cashu.nut06;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code GET /v1/info}. Every field is optional; {@code nuts} differs per NUT and stays a JSON tree.
 *
 * @see <a href="https://github.com/cashubtc/nuts/blob/main/06.md">NUT-06</a>
 */
public record MintInfo(String name, String pubkey, String version, String description, String motd, JsonNode nuts) {
    /** True if {@code nuts.<nut>.supported} is true, or the NUT has a non-disabled entry (NUT-04/05 style). */
    public boolean supports(int nut) {
        JsonNode n = nuts == null ? null : nuts.get(Integer.toString(nut));
        if (n == null || n.isNull()) {
            return false;
        }
        JsonNode supported = n.get("supported");
        if (supported != null) {
            return supported.isBoolean() ? supported.booleanValue() : supported.isArray() && !supported.isEmpty();
        }
        return !n.path("disabled").asBoolean(false);
    }

    /** The mint name, if given. */
    public Optional<String> displayName() {
        return Optional.ofNullable(name);
    }
}
