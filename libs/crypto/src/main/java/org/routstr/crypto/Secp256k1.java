package org.routstr.crypto;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;

import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECPoint;

/**
 * secp256k1 helpers over BouncyCastle: point decoding/encoding (SEC1), scalars, SHA-256.
 * No curve arithmetic is implemented here; everything delegates to BouncyCastle's {@link ECPoint}.
 */
public final class Secp256k1 {
    private static final X9ECParameters PARAMS = CustomNamedCurves.getByName("secp256k1");
    /** The curve. */
    public static final ECCurve CURVE = PARAMS.getCurve();
    /** The generator G. */
    public static final ECPoint G = PARAMS.getG();
    /** The group order n. */
    public static final BigInteger N = PARAMS.getN();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Secp256k1() {
    }

    /**
     * Decodes a SEC1 compressed point (33 bytes, prefix 02/03).
     *
     * @throws IllegalArgumentException if the encoding is not a compressed point on the curve
     */
    public static ECPoint decodeCompressed(byte[] encoded) {
        if (encoded.length != 33 || (encoded[0] != 0x02 && encoded[0] != 0x03)) {
            throw new IllegalArgumentException("expected a 33-byte compressed secp256k1 point");
        }
        ECPoint p = CURVE.decodePoint(encoded);
        if (p.isInfinity() || !p.isValid()) {
            throw new IllegalArgumentException("point is not on secp256k1");
        }
        return p;
    }

    /** Decodes a compressed point from 66 hex chars. */
    public static ECPoint pointFromHex(String hex) {
        if (!Hex.isHex(hex)) {
            throw new IllegalArgumentException("point must be hex");
        }
        return decodeCompressed(Hex.decode(hex));
    }

    /** SEC1 compressed encoding (33 bytes). */
    public static byte[] compressed(ECPoint p) {
        return p.normalize().getEncoded(true);
    }

    /** SEC1 uncompressed encoding (65 bytes). */
    public static byte[] uncompressed(ECPoint p) {
        return p.normalize().getEncoded(false);
    }

    /** Lowercase hex of the compressed encoding. */
    public static String toHex(ECPoint p) {
        return Hex.encode(compressed(p));
    }

    /** k·G. */
    public static ECPoint multiplyG(BigInteger k) {
        return G.multiply(k).normalize();
    }

    /** 32-byte big-endian encoding of a scalar (keeps leading zeros). */
    public static byte[] scalarBytes(BigInteger k) {
        byte[] raw = k.toByteArray();
        if (raw.length == 32) {
            return raw;
        }
        byte[] out = new byte[32];
        if (raw.length > 32) {
            if (raw.length != 33 || raw[0] != 0) {
                throw new IllegalArgumentException("scalar longer than 32 bytes");
            }
            System.arraycopy(raw, 1, out, 0, 32);
        } else {
            System.arraycopy(raw, 0, out, 32 - raw.length, raw.length);
        }
        return out;
    }

    /** 64 hex chars of a scalar. */
    public static String scalarHex(BigInteger k) {
        return Hex.encode(scalarBytes(k));
    }

    /** Parses a 32-byte hex scalar, requiring 1 <= k < n. */
    public static BigInteger scalarFromHex(String hex) {
        byte[] b = Hex.decode(hex);
        if (b.length != 32) {
            throw new IllegalArgumentException("scalar must be 32 bytes");
        }
        BigInteger k = new BigInteger(1, b);
        Arrays.fill(b, (byte) 0);
        if (k.signum() == 0 || k.compareTo(N) >= 0) {
            throw new IllegalArgumentException("scalar out of range");
        }
        return k;
    }

    /** Uniformly random scalar in [1, n-1]. */
    public static BigInteger randomScalar() {
        byte[] b = new byte[32];
        try {
            while (true) {
                RANDOM.nextBytes(b);
                BigInteger k = new BigInteger(1, b);
                if (k.signum() > 0 && k.compareTo(N) < 0) {
                    return k;
                }
            }
        } finally {
            Arrays.fill(b, (byte) 0);
        }
    }

    /** Random bytes from the shared {@link SecureRandom}. */
    public static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /** SHA-256 over the concatenation of the parts. */
    public static byte[] sha256(byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) {
                md.update(p);
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
