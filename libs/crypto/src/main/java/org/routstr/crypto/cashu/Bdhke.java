package org.routstr.crypto.cashu;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

import org.bouncycastle.math.ec.ECPoint;
import org.routstr.crypto.Secp256k1;

/**
 * Blind Diffie-Hellman key exchange of Cashu: {@code hash_to_curve}, blinding, signing and unblinding.
 *
 * @see <a href="https://github.com/cashubtc/nuts/blob/main/00.md">NUT-00</a>
 */
public final class Bdhke {
    /** Domain separator of hash_to_curve. */
    public static final byte[] DOMAIN_SEPARATOR = "Secp256k1_HashToCurve_Cashu_".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_ITERATIONS = 1 << 16;

    private Bdhke() {
    }

    /** hash_to_curve over raw bytes (the NUT-00 vectors feed hex-decoded bytes). */
    public static ECPoint hashToCurve(byte[] message) {
        byte[] msgHash = Secp256k1.sha256(DOMAIN_SEPARATOR, message);
        byte[] candidate = new byte[33];
        candidate[0] = 0x02;
        for (int counter = 0; counter < MAX_ITERATIONS; counter++) {
            byte[] le = {(byte) counter, (byte) (counter >>> 8), (byte) (counter >>> 16), (byte) (counter >>> 24)};
            byte[] h = Secp256k1.sha256(msgHash, le);
            System.arraycopy(h, 0, candidate, 1, 32);
            try {
                return Secp256k1.CURVE.decodePoint(candidate).normalize();
            } catch (IllegalArgumentException notOnCurve) {
                // x has no square root mod p: try the next counter (this is the algorithm, not an error)
                continue;
            }
        }
        throw new CashuException("hash_to_curve found no point");
    }

    /** Y = hash_to_curve(utf8(secret)): the point a proof's secret maps to. */
    public static ECPoint hashSecret(String secret) {
        return hashToCurve(secret.getBytes(StandardCharsets.UTF_8));
    }

    /** Hex of Y for NUT-07 state checks. */
    public static String y(String secret) {
        return Secp256k1.toHex(hashSecret(secret));
    }

    /** B_ = Y + r·G. */
    public static ECPoint blind(ECPoint y, BigInteger r) {
        return y.add(Secp256k1.G.multiply(r)).normalize();
    }

    /** B_ for a secret string. */
    public static ECPoint blind(String secret, BigInteger r) {
        return blind(hashSecret(secret), r);
    }

    /** Mint side: C_ = k·B_. */
    public static ECPoint sign(BigInteger k, ECPoint blinded) {
        return blinded.multiply(k).normalize();
    }

    /** C = C_ − r·K. */
    public static ECPoint unblind(ECPoint blindSignature, BigInteger r, ECPoint mintKey) {
        return blindSignature.subtract(mintKey.multiply(r)).normalize();
    }

    /** Mint side: C == k·hash_to_curve(secret). */
    public static boolean verify(BigInteger k, String secret, ECPoint c) {
        return hashSecret(secret).multiply(k).normalize().equals(c.normalize());
    }
}
