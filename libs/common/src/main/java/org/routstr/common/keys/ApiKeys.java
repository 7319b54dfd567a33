package org.routstr.common.keys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * API keys: {@code sk-} plus 64 random hex characters, shown to the user once and stored only as their SHA-256
 * (DESIGN.md "Security baseline"; Routstr Core stored them in plain text).
 */
public final class ApiKeys {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    private ApiKeys() {
    }

    /** A new random key. */
    public static String newKey() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return "sk-" + HEX.formatHex(b);
    }

    /** The stored form of a key (or of any bearer secret): lower-case hex SHA-256 of its UTF-8 bytes. */
    public static String hash(String secret) {
        return HEX.formatHex(sha256(secret.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The one bearer normalisation of every service: the credential of an {@code Authorization: Bearer …} value, with
     * leading and trailing whitespace (Unicode too) and control characters removed; empty when absent or not a bearer.
     * The gateway and the wallet both hash exactly this, so a key works the same at either.
     */
    public static Optional<String> bearer(Optional<String> authorization) {
        return authorization.map(ApiKeys::clean).filter(a -> a.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(a -> clean(a.substring(7))).filter(s -> !s.isEmpty());
    }

    private static String clean(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && blank(s.charAt(from))) {
            from++;
        }
        while (to > from && blank(s.charAt(to - 1))) {
            to--;
        }
        return s.substring(from, to);
    }

    private static boolean blank(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c);
    }

    /** True for strings shaped like our keys. */
    public static boolean looksLikeKey(String s) {
        return s.length() == 67 && s.startsWith("sk-") && s.substring(3).chars().allMatch(ApiKeys::isHex);
    }

    /** A prefix safe for logs: never the whole key. */
    public static String redact(String secret) {
        return secret.length() <= 10 ? "***" : secret.substring(0, Math.min(8, secret.length() / 4)) + "…";
    }

    private static boolean isHex(int c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f';
    }

    private static byte[] sha256(byte[] in) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(in);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
