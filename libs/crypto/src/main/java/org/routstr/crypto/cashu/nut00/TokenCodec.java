package org.routstr.crypto.cashu.nut00;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

import org.routstr.crypto.cashu.nut00.InvalidTokenException.Reason;

/**
 * Encodes and decodes serialized tokens: V3 {@code cashuA} (base64url JSON) and V4 {@code cashuB} (base64url CBOR
 * with definite lengths), with an optional {@code cashu:} URI prefix. Every malformed input yields an
 * {@link InvalidTokenException}; no other exception escapes {@link #decode(String)}.
 *
 * @see <a href="https://github.com/cashubtc/nuts/blob/main/00.md">NUT-00</a>
 */
public final class TokenCodec {
    private static final String PREFIX = "cashu";
    private static final String URI_PREFIX = "cashu:";
    private static final byte[] RAW_PREFIX = "crawB".getBytes(StandardCharsets.US_ASCII);

    private TokenCodec() {
    }

    /** Decodes a {@code cashuA…} or {@code cashuB…} token, optionally prefixed with {@code cashu:}. */
    public static Token decode(String serialized) {
        if (serialized == null || serialized.isBlank()) {
            throw new InvalidTokenException(Reason.EMPTY, "token is empty");
        }
        String s = serialized.strip();
        if (s.regionMatches(true, 0, URI_PREFIX, 0, URI_PREFIX.length())) {
            s = s.substring(URI_PREFIX.length()).strip();
        }
        if (!s.startsWith(PREFIX) || s.length() <= PREFIX.length()) {
            throw new InvalidTokenException(Reason.BAD_PREFIX, "token must start with 'cashu'");
        }
        char version = s.charAt(PREFIX.length());
        String payload = s.substring(PREFIX.length() + 1);
        try {
            return switch (version) {
                case 'A' -> TokenV3.decode(base64(payload));
                case 'B' -> TokenV4.decode(base64(payload));
                default -> throw new InvalidTokenException(Reason.UNSUPPORTED_VERSION, "unknown token version");
            };
        } catch (IllegalArgumentException e) {
            // a record invariant the field checks did not anticipate: still a malformed token
            throw new InvalidTokenException(Reason.INVALID_FIELD, e.getMessage(), e);
        }
    }

    /** Encodes as V4 {@code cashuB} (unpadded base64url). Keyset ids must be hex. */
    public static String encodeV4(Token token) {
        return PREFIX + "B" + Base64.getUrlEncoder().withoutPadding().encodeToString(TokenV4.encode(token));
    }

    /** Encodes as V3 {@code cashuA} (unpadded base64url JSON). */
    public static String encodeV3(Token token) {
        return PREFIX + "A" + Base64.getUrlEncoder().withoutPadding().encodeToString(TokenV3.encode(token));
    }

    /** The CBOR bytes of the V4 token (definite-length maps and arrays). */
    public static byte[] cborV4(Token token) {
        return TokenV4.encode(token);
    }

    /** Binary form {@code "craw" || "B" || cbor(token)} (e.g. for NFC). */
    public static byte[] encodeRaw(Token token) {
        byte[] cbor = TokenV4.encode(token);
        byte[] out = Arrays.copyOf(RAW_PREFIX, RAW_PREFIX.length + cbor.length);
        System.arraycopy(cbor, 0, out, RAW_PREFIX.length, cbor.length);
        return out;
    }

    /** Decodes the binary form {@code "craw" || "B" || cbor(token)}. */
    public static Token decodeRaw(byte[] raw) {
        if (raw == null || raw.length <= RAW_PREFIX.length
                || !Arrays.equals(raw, 0, RAW_PREFIX.length, RAW_PREFIX, 0, RAW_PREFIX.length)) {
            throw new InvalidTokenException(Reason.BAD_PREFIX, "raw token must start with 'crawB'");
        }
        return TokenV4.decode(Arrays.copyOfRange(raw, RAW_PREFIX.length, raw.length));
    }

    private static byte[] base64(String payload) {
        // accept padded and unpadded input, and the standard alphabet that some old wallets emitted
        String p = payload.strip().replace('+', '-').replace('/', '_');
        int end = p.length();
        while (end > 0 && p.charAt(end - 1) == '=') {
            end--;
        }
        p = p.substring(0, end);
        if (p.isEmpty()) {
            throw new InvalidTokenException(Reason.BAD_BASE64, "token payload is empty");
        }
        try {
            return Base64.getUrlDecoder().decode(p);
        } catch (IllegalArgumentException e) {
            throw new InvalidTokenException(Reason.BAD_BASE64, "token payload is not base64url", e);
        }
    }
}
