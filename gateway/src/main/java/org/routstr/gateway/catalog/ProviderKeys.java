package org.routstr.gateway.catalog;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts upstream API keys at rest: AES-256-GCM under SHA-256(gateway.secret-key), stored as {@code "v1:" +
 * base64(12-byte nonce || ciphertext+tag)}, with a fixed associated text so a ciphertext cannot be replayed elsewhere.
 */
public final class ProviderKeys {
    private static final byte[] AAD = "routstr provider api key v1".getBytes(StandardCharsets.UTF_8);
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Optional<SecretKeySpec> key;

    /** {@code secret} empty: no key can be stored or read (a node whose providers need no key). */
    public ProviderKeys(Optional<String> secret) {
        this.key = secret.filter(s -> !s.isBlank()).map(s -> new SecretKeySpec(sha256(s), "AES"));
    }

    /** Encrypts an API key. */
    public String seal(String apiKey) {
        try {
            byte[] nonce = new byte[12];
            RANDOM.nextBytes(nonce);
            Cipher c = cipher(Cipher.ENCRYPT_MODE, nonce);
            byte[] ct = c.doFinal(apiKey.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[12 + ct.length];
            System.arraycopy(nonce, 0, out, 0, 12);
            System.arraycopy(ct, 0, out, 12, ct.length);
            return "v1:" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
    }

    /** Decrypts a stored key; a wrong secret or a tampered value fails loudly (never a silent empty key). */
    public String open(String sealed) {
        if (!sealed.startsWith("v1:")) {
            throw new IllegalStateException("unknown provider key format");
        }
        try {
            byte[] in = Base64.getDecoder().decode(sealed.substring(3));
            Cipher c = cipher(Cipher.DECRYPT_MODE, java.util.Arrays.copyOf(in, 12));
            return new String(c.doFinal(in, 12, in.length - 12), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot decrypt a provider API key: is gateway.secret-key the one it was stored with?");
        }
    }

    private Cipher cipher(int mode, byte[] nonce) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(mode, key.orElseThrow(() -> new IllegalStateException(
                "gateway.secret-key (env GATEWAY_SECRET_dash_KEY) is required to store or read provider API keys")),
               new GCMParameterSpec(128, nonce));
        c.updateAAD(AAD);
        return c;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
