package org.routstr.crypto.cashu.nut13;

import java.security.GeneralSecurityException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC helpers of the JDK. */
final class Nut13Hmac {
    private Nut13Hmac() {
    }

    static byte[] hmacSha512(byte[] key, byte[] data) {
        return mac("HmacSHA512", key, data);
    }

    static byte[] hmacSha256(byte[] key, byte[] data) {
        return mac("HmacSHA256", key, data);
    }

    private static byte[] mac(String algorithm, byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key, algorithm));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " unavailable", e);
        }
    }
}
