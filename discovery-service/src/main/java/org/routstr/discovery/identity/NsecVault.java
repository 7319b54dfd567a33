package org.routstr.discovery.identity;

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
 * Keeps the Nostr secret key encrypted at rest, like the gateway's provider keys: AES-256-GCM under SHA-256 of the
 * node's secret, stored as {@code "v1:" + base64(12-byte nonce || ciphertext+tag)}, bound to its purpose by the
 * associated text {@code "routstr nostr nsec v1"}.
 */
public final class NsecVault {
    private static final byte[] AAD = "routstr nostr nsec v1".getBytes(StandardCharsets.UTF_8);
    private static final SecureRandom RANDOM = new SecureRandom();
    private final SecretKeySpec key;

    public NsecVault(String secret) {
        if (secret.isBlank()) {
            throw new IllegalArgumentException("the nsec vault needs a secret");
        }
        byte[] k = sha256(secret);
        this.key = new SecretKeySpec(k, "AES");
        Arrays.fill(k, (byte) 0);
    }

    /** Encrypts an nsec (or hex secret). */
    public String seal(String nsec) {
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        byte[] ct = crypt(Cipher.ENCRYPT_MODE, nonce, nsec.getBytes(StandardCharsets.UTF_8));
        byte[] out = Arrays.copyOf(nonce, 12 + ct.length);
        System.arraycopy(ct, 0, out, 12, ct.length);
        return "v1:" + Base64.getEncoder().encodeToString(out);
    }

    /** Decrypts a sealed value; a wrong secret or a tampered value fails (never a silent empty key). */
    public String open(String sealed) {
        if (!sealed.startsWith("v1:")) {
            throw new IllegalStateException("unknown sealed nsec format");
        }
        try {
            byte[] in = Base64.getDecoder().decode(sealed.substring(3));
            return new String(crypt(Cipher.DECRYPT_MODE, Arrays.copyOf(in, 12), Arrays.copyOfRange(in, 12, in.length)),
                              StandardCharsets.UTF_8);
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            throw new IllegalStateException("sealed nsec is not valid base64");
        }
    }

    private byte[] crypt(int mode, byte[] nonce, byte[] data) {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(mode, key, new GCMParameterSpec(128, nonce));
            c.updateAAD(AAD);
            return c.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot decrypt the stored nsec: is discovery.secret-key the one it was stored with?");
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
