package org.routstr.admin.settings;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.routstr.common.settings.InvalidSettingException;

/**
 * The node's Nostr secret key: checks an {@code nsec1…} (NIP-19, bech32 with checksum, 32 bytes) and seals it for the
 * {@code nostr-nsec} setting as {@code "v1:" + base64(nonce || AES-256-GCM)} under SHA-256(admin.secret-key), the scheme
 * discovery-service opens it with.
 */
final class Nsec {
    private static final String CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    private static final byte[] AAD = "routstr nostr nsec v1".getBytes(StandardCharsets.UTF_8);
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Optional<SecretKeySpec> key;

    Nsec(Optional<String> secret) {
        this.key = secret.filter(s -> !s.isBlank()).map(s -> new SecretKeySpec(sha256(s), "AES"));
    }

    /** Validates and seals an nsec; "" clears it. */
    String seal(String nsec) {
        String s = nsec.strip().toLowerCase(Locale.ROOT);
        if (s.isEmpty()) {
            return "";
        }
        if (!validBech32(s, "nsec", 32)) {
            throw new InvalidSettingException("nostr-nsec", "nostr-nsec must be an nsec1… key (NIP-19 bech32 of 32 bytes)");
        }
        SecretKeySpec k = key.orElseThrow(() -> new InvalidSettingException("nostr-nsec",
                "nostr-nsec cannot be stored: admin.secret-key (env ADMIN_SECRET_dash_KEY) is not configured"));
        try {
            byte[] nonce = new byte[12];
            RANDOM.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, k, new GCMParameterSpec(128, nonce));
            c.updateAAD(AAD);
            byte[] ct = c.doFinal(s.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[12 + ct.length];
            System.arraycopy(nonce, 0, out, 0, 12);
            System.arraycopy(ct, 0, out, 12, ct.length);
            return "v1:" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
    }

    /** BIP-173 bech32: the human part, a valid checksum and {@code bytes} bytes of data. */
    static boolean validBech32(String s, String hrp, int bytes) {
        int sep = s.lastIndexOf('1');
        if (sep != hrp.length() || !s.startsWith(hrp) || s.length() - sep - 1 < 6) {
            return false;
        }
        int[] values = new int[s.length() - sep - 1];
        for (int i = 0; i < values.length; i++) {
            values[i] = CHARSET.indexOf(s.charAt(sep + 1 + i));
            if (values[i] < 0) {
                return false;
            }
        }
        int chk = 1;
        for (int v : expand(hrp, values)) {
            int top = chk >>> 25;
            chk = (chk & 0x1ffffff) << 5 ^ v;
            int[] gen = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
            for (int i = 0; i < 5; i++) {
                if ((top >>> i & 1) == 1) {
                    chk ^= gen[i];
                }
            }
        }
        return chk == 1 && (values.length - 6) * 5 / 8 == bytes;
    }

    private static int[] expand(String hrp, int[] data) {
        int[] out = new int[hrp.length() * 2 + 1 + data.length];
        for (int i = 0; i < hrp.length(); i++) {
            out[i] = hrp.charAt(i) >> 5;
            out[hrp.length() + 1 + i] = hrp.charAt(i) & 31;
        }
        System.arraycopy(data, 0, out, hrp.length() * 2 + 1, data.length);
        return out;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
