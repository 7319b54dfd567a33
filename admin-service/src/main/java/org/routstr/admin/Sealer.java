package org.routstr.admin;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.routstr.common.http.ApiException;

/**
 * Seals secrets at rest the way the gateway opens them: AES-256-GCM under SHA-256(secret key), stored as
 * {@code "v1:" + base64(12-byte nonce || ciphertext+tag)}, with a fixed associated text per kind of secret.
 */
public final class Sealer {
    /** The gateway's provider API keys (gateway {@code ProviderKeys}). */
    public static final String PROVIDER_KEY = "routstr provider api key v1";
    /** The node's Nostr secret key (discovery-service). */
    public static final String NOSTR_NSEC = "routstr nostr nsec v1";
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Optional<SecretKeySpec> key;

    public Sealer(Optional<String> secret) {
        this.key = secret.filter(s -> !s.isBlank()).map(s -> new SecretKeySpec(sha256(s), "AES"));
    }

    /** Seals {@code plain} for {@code aad}; 400 naming {@code field} when no secret key is configured. */
    public String seal(String plain, String aad, String field) {
        SecretKeySpec k = key.orElseThrow(() -> new ApiException(400, "invalid_request_error", "no_secret_key",
                field + " cannot be stored: admin.secret-key (or gateway.secret-key) is not configured", java.util.Map.of("field", field)));
        try {
            byte[] nonce = new byte[12];
            RANDOM.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, k, new GCMParameterSpec(128, nonce));
            c.updateAAD(aad.getBytes(StandardCharsets.UTF_8));
            byte[] ct = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[12 + ct.length];
            System.arraycopy(nonce, 0, out, 0, 12);
            System.arraycopy(ct, 0, out, 12, ct.length);
            return "v1:" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
    }

    /** Opens a sealed value (for a connection test); fails loudly on a wrong key. */
    public String open(String sealed, String aad) {
        try {
            SecretKeySpec k = key.orElseThrow(() -> new IllegalStateException("no secret key configured"));
            byte[] in = Base64.getDecoder().decode(sealed.substring(3));
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, k, new GCMParameterSpec(128, java.util.Arrays.copyOf(in, 12)));
            c.updateAAD(aad.getBytes(StandardCharsets.UTF_8));
            return new String(c.doFinal(in, 12, in.length - 12), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException | IllegalStateException e) {
            throw ApiException.unavailable("secret_unreadable", "the stored API key cannot be opened with this node's secret key");
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
