package org.routstr.gateway.proxy;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Finds a small text field (such as {@code model}) in the bytes of a multipart/form-data body without parsing the files.
 */
final class Multipart {
    private Multipart() {
    }

    /** The value of field {@code name}, when its part lies within {@code body}. */
    static Optional<String> field(byte[] body, String name) {
        // ISO-8859-1 maps bytes 1:1, so offsets stay valid whatever binary data surrounds the field
        String s = new String(body, StandardCharsets.ISO_8859_1);
        int at = s.indexOf("name=\"" + name + "\"");
        if (at < 0) {
            return Optional.empty();
        }
        int start = s.indexOf("\r\n\r\n", at);
        if (start < 0) {
            return Optional.empty();
        }
        int end = s.indexOf("\r\n", start + 4);
        if (end < 0) {
            return Optional.empty();
        }
        String v = new String(body, start + 4, end - start - 4, StandardCharsets.UTF_8).trim();
        return v.isEmpty() ? Optional.empty() : Optional.of(v);
    }
}
