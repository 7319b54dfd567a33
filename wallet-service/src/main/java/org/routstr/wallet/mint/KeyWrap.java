package org.routstr.wallet.mint;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keeps a new sk- key retrievable only by whoever holds the payment that bought it (the token or invoice id): AES-GCM
 * under sha256("routstr-key-wrap\0" + secret). The database stores hashes of keys, never a usable key.
 */
public final class KeyWrap {
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyWrap() {
    }

    public static String wrap(String secret, String apiKey) {
        byte[] iv = new byte[12];
        RANDOM.nextBytes(iv);
        byte[] ct = cipher(Cipher.ENCRYPT_MODE, secret, iv, apiKey.getBytes(StandardCharsets.UTF_8));
        byte[] out = Arrays.copyOf(iv, iv.length + ct.length);
        System.arraycopy(ct, 0, out, iv.length, ct.length);
        return Base64.getEncoder().encodeToString(out);
    }

    public static String unwrap(String secret, String wrapped) {
        byte[] in = Base64.getDecoder().decode(wrapped);
        byte[] pt = cipher(Cipher.DECRYPT_MODE, secret, Arrays.copyOf(in, 12), Arrays.copyOfRange(in, 12, in.length));
        return new String(pt, StandardCharsets.UTF_8);
    }

    private static byte[] cipher(int mode, String secret, byte[] iv, byte[] data) {
        try {
            byte[] key = MessageDigest.getInstance("SHA-256")
                    .digest(("routstr-key-wrap\0" + secret).getBytes(StandardCharsets.UTF_8));
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
            Arrays.fill(key, (byte) 0);
            return c.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("key wrap failed", e);
        }
    }
}
