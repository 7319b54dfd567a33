package org.routstr.crypto.cashu.nut13;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.routstr.crypto.Secp256k1;

/**
 * Minimal BIP-32 private derivation (hardened and normal children) for the legacy NUT-13 v1 paths.
 */
final class Bip32 {
    static final int HARDENED = 0x80000000;

    private Bip32() {
    }

    /** Derives the private key at the path (indices with {@link #HARDENED} set are hardened). */
    static BigInteger derive(byte[] seed, int... path) {
        byte[] i = Nut13Hmac.hmacSha512("Bitcoin seed".getBytes(StandardCharsets.US_ASCII), seed);
        BigInteger k = new BigInteger(1, Arrays.copyOfRange(i, 0, 32));
        byte[] chain = Arrays.copyOfRange(i, 32, 64);
        Arrays.fill(i, (byte) 0);
        for (int index : path) {
            byte[] data = ByteBuffer.allocate(37)
                    .put((index & HARDENED) != 0 ? withZeroPrefix(k) : Secp256k1.compressed(Secp256k1.multiplyG(k)))
                    .putInt(index).array();
            byte[] child = Nut13Hmac.hmacSha512(chain, data);
            BigInteger il = new BigInteger(1, Arrays.copyOfRange(child, 0, 32));
            if (il.compareTo(Secp256k1.N) >= 0) {
                throw new IllegalStateException("invalid BIP-32 child; use the next index");
            }
            k = il.add(k).mod(Secp256k1.N);
            Arrays.fill(chain, (byte) 0);
            chain = Arrays.copyOfRange(child, 32, 64);
            Arrays.fill(child, (byte) 0);
            Arrays.fill(data, (byte) 0);
        }
        Arrays.fill(chain, (byte) 0);
        return k;
    }

    private static byte[] withZeroPrefix(BigInteger k) {
        byte[] out = new byte[33];
        System.arraycopy(Secp256k1.scalarBytes(k), 0, out, 1, 32);
        return out;
    }
}
