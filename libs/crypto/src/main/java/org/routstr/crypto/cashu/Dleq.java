package org.routstr.crypto.cashu;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.bouncycastle.math.ec.ECPoint;
import org.routstr.crypto.Hex;
import org.routstr.crypto.Secp256k1;

/**
 * Discrete-log-equality proofs that a blind signature was made with the published key of its amount.
 *
 * @see <a href="https://github.com/cashubtc/nuts/blob/main/12.md">NUT-12</a>
 */
public final class Dleq {
    private Dleq() {
    }

    /** A DLEQ proof (e, s). */
    public record EsPair(BigInteger e, BigInteger s) {
    }

    /** e = SHA256(utf8(hex(R1)||hex(R2)||hex(A)||hex(C_))) with uncompressed point encodings. */
    public static byte[] hashE(ECPoint... points) {
        StringBuilder sb = new StringBuilder(points.length * 130);
        for (ECPoint p : points) {
            sb.append(Hex.encode(Secp256k1.uncompressed(p)));
        }
        return Secp256k1.sha256(sb.toString().getBytes(StandardCharsets.US_ASCII));
    }

    /** Mint side: proves that C_ = a·B_ and A = a·G, with a random nonce. */
    public static EsPair create(BigInteger a, ECPoint blinded, ECPoint blindSignature) {
        BigInteger p = Secp256k1.randomScalar();
        ECPoint r1 = Secp256k1.multiplyG(p);
        ECPoint r2 = blinded.multiply(p).normalize();
        ECPoint bigA = Secp256k1.multiplyG(a);
        byte[] eBytes = hashE(r1, r2, bigA, blindSignature);
        BigInteger e = new BigInteger(1, eBytes);
        Arrays.fill(eBytes, (byte) 0);
        BigInteger s = p.add(e.multiply(a)).mod(Secp256k1.N);
        return new EsPair(e, s);
    }

    /** Verifies (e, s) for A = a·G and C_ = a·B_. */
    public static boolean verify(ECPoint bigA, ECPoint blinded, ECPoint blindSignature, BigInteger e, BigInteger s) {
        ECPoint r1 = Secp256k1.G.multiply(s).subtract(bigA.multiply(e)).normalize();
        ECPoint r2 = blinded.multiply(s).subtract(blindSignature.multiply(e)).normalize();
        if (r1.isInfinity() || r2.isInfinity()) {
            return false;
        }
        BigInteger expected = new BigInteger(1, hashE(r1, r2, bigA, blindSignature));
        return expected.equals(e);
    }

    /** Verifies a proof-carried DLEQ (e, s, r): reconstructs B_ = Y + r·G and C_ = C + r·A first. */
    public static boolean verifyProof(ECPoint bigA, String secret, ECPoint c, BigInteger e, BigInteger s, BigInteger r) {
        ECPoint y = Bdhke.hashSecret(secret);
        ECPoint blinded = Bdhke.blind(y, r);
        ECPoint blindSignature = c.add(bigA.multiply(r)).normalize();
        return verify(bigA, blinded, blindSignature, e, s);
    }
}
