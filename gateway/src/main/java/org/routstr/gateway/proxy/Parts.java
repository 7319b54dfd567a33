package org.routstr.gateway.proxy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Walks the parts of a multipart/form-data body (RFC 7578) by their delimiters, reading only part headers, to locate a
 * text field: the bytes of a file part are skipped whole, so text inside a file never passes for a field.
 */
final class Parts {
    private static final byte[] CRLF2 = {'\r', '\n', '\r', '\n'};

    private Parts() {
    }

    /** {@code [start, end)} of the value of the text field {@code name}, or an empty array when the body has none. */
    static long[] find(ByteBuffer body, byte[] delimiter, String name) {
        byte[] next = new byte[delimiter.length + 2];
        next[0] = '\r';
        next[1] = '\n';
        System.arraycopy(delimiter, 0, next, 2, delimiter.length);
        int at = indexOf(body, delimiter, 0);
        while (at >= 0) {
            int after = at + delimiter.length;
            if (after + 1 >= body.limit() || body.get(after) == '-' && body.get(after + 1) == '-') {
                return new long[0];
            }
            int headersEnd = indexOf(body, CRLF2, after);
            if (headersEnd < 0) {
                return new long[0];
            }
            int contentStart = headersEnd + 4;
            int contentEnd = indexOf(body, next, contentStart);
            if (contentEnd < 0) {
                return new long[0];
            }
            if (isField(ascii(body, after, headersEnd), name)) {
                return new long[] {contentStart, contentEnd};
            }
            at = contentEnd + 2;
        }
        return new long[0];
    }

    /** Whether part headers say {@code form-data; name="<name>"} without a filename. */
    private static boolean isField(String headers, String name) {
        for (String line : headers.split("\r\n")) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-disposition:")) {
                return !lower.contains("filename") && (lower.contains("name=\"" + name + "\"") || lower.matches(
                        ".*;\\s*name=" + name + "\\s*(;.*)?"));
            }
        }
        return false;
    }

    private static String ascii(ByteBuffer b, int from, int to) {
        byte[] out = new byte[to - from];
        b.get(from, out);
        return new String(out, StandardCharsets.ISO_8859_1);
    }

    private static int indexOf(ByteBuffer b, byte[] needle, int from) {
        int last = b.limit() - needle.length;
        outer:
        for (int i = from; i <= last; i++) {
            if (b.get(i) != needle[0]) {
                continue;
            }
            for (int j = 1; j < needle.length; j++) {
                if (b.get(i + j) != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
