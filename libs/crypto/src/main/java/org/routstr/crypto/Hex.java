package org.routstr.crypto;

import java.util.HexFormat;

/**
 * Lowercase hex encoding and strict decoding (even length, hex digits only).
 */
public final class Hex {
    private static final HexFormat HEX = HexFormat.of();

    private Hex() {
    }

    /** Lowercase hex of the bytes. */
    public static String encode(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    /**
     * Decodes hex (either case).
     *
     * @throws IllegalArgumentException if the text is not an even-length hex string
     */
    public static byte[] decode(String hex) {
        if (hex == null || (hex.length() & 1) != 0) {
            throw new IllegalArgumentException("hex string must have an even length");
        }
        return HEX.parseHex(hex);
    }

    /** True if the text is a non-empty, even-length hex string. */
    public static boolean isHex(String hex) {
        if (hex == null || hex.isEmpty() || (hex.length() & 1) != 0) {
            return false;
        }
        for (int i = 0; i < hex.length(); i++) {
            if (Character.digit(hex.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }
}
