package org.routstr.crypto.cashu.nut13;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.text.Normalizer;
import java.util.Arrays;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

import org.routstr.crypto.Hex;
import org.routstr.crypto.Secp256k1;
import org.routstr.crypto.cashu.CashuException;

/**
 * Deterministic secrets and blinding factors from a BIP-39 seed, per keyset and counter, so outputs can be
 * re-created and restored (NUT-09) after a crash. v2 keysets ({@code 01…}) use HMAC-SHA256; v1 ({@code 00…})
 * use BIP-32 at {@code m/129372'/0'/keyset_int'/counter'/{0,1}}. Callers keep the counters.
 *
 * @see <a href="https://github.com/cashubtc/nuts/blob/main/13.md">NUT-13</a>
 */
public final class DeterministicSecrets {
    private static final byte[] KDF_PREFIX = "Cashu_KDF_HMAC_SHA256".getBytes(StandardCharsets.US_ASCII);
    private static final int PURPOSE = 129372;

    private DeterministicSecrets() {
    }

    /** A derived secret (64-char hex string, used as-is as the proof secret) and blinding factor r. */
    public record Derived(String secret, BigInteger r) {
        @Override
        public String toString() {
            return "Derived[redacted]";
        }
    }

    /** BIP-39 seed: PBKDF2-HMAC-SHA512(NFKD(mnemonic), "mnemonic" + passphrase, 2048) → 64 bytes. */
    public static byte[] seedFromMnemonic(String mnemonic, String passphrase) {
        char[] words = Normalizer.normalize(mnemonic, Normalizer.Form.NFKD).toCharArray();
        byte[] salt = Normalizer.normalize("mnemonic" + passphrase, Normalizer.Form.NFKD).getBytes(StandardCharsets.UTF_8);
        PBEKeySpec spec = new PBEKeySpec(words, salt, 2048, 512);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA512 unavailable", e);
        } finally {
            spec.clearPassword();
            Arrays.fill(words, '\0');
        }
    }

    /** Derives secret and r for a keyset id and counter (version chosen by the id's prefix). */
    public static Derived derive(byte[] seed, String keysetId, long counter) {
        if (counter < 0) {
            throw new IllegalArgumentException("counter must not be negative");
        }
        if (keysetId.startsWith("00")) {
            return deriveV1(seed, keysetId, counter);
        }
        if (keysetId.startsWith("01")) {
            return deriveV2(seed, keysetId, counter);
        }
        throw new CashuException("unsupported keyset id version for NUT-13: " + keysetId);
    }

    /** The v1 keyset integer: int(id bytes, big-endian) mod (2^31 − 1). */
    public static long keysetInt(String keysetId) {
        return new BigInteger(1, Hex.decode(keysetId)).mod(BigInteger.valueOf(Integer.MAX_VALUE)).longValueExact();
    }

    private static Derived deriveV1(byte[] seed, String keysetId, long counter) {
        if (counter > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("v1 counter exceeds 2^31 − 1");
        }
        int[] base = {PURPOSE | Bip32.HARDENED, Bip32.HARDENED, (int) keysetInt(keysetId) | Bip32.HARDENED,
                (int) counter | Bip32.HARDENED};
        BigInteger secretKey = Bip32.derive(seed, append(base, 0));
        BigInteger r = Bip32.derive(seed, append(base, 1));
        return new Derived(Secp256k1.scalarHex(secretKey), r);
    }

    private static Derived deriveV2(byte[] seed, String keysetId, long counter) {
        ByteArrayOutputStream msg = new ByteArrayOutputStream();
        msg.writeBytes(KDF_PREFIX);
        msg.writeBytes(Hex.decode(keysetId));
        msg.writeBytes(ByteBuffer.allocate(8).putLong(counter).array());
        byte[] base = msg.toByteArray();
        byte[] withSecretTag = Arrays.copyOf(base, base.length + 1);
        byte[] withRTag = Arrays.copyOf(base, base.length + 1);
        withRTag[base.length] = 1;
        byte[] secret = Nut13Hmac.hmacSha256(seed, withSecretTag);
        byte[] rBytes = Nut13Hmac.hmacSha256(seed, withRTag);
        BigInteger r = new BigInteger(1, rBytes).mod(Secp256k1.N);
        Arrays.fill(rBytes, (byte) 0);
        if (r.signum() == 0) {
            throw new CashuException("derived r is zero; skip this counter");
        }
        String secretHex = Hex.encode(secret);
        Arrays.fill(secret, (byte) 0);
        return new Derived(secretHex, r);
    }

    private static int[] append(int[] path, int last) {
        int[] out = Arrays.copyOf(path, path.length + 1);
        out[path.length] = last;
        return out;
    }
}
