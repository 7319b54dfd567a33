package org.routstr.crypto.cashu.nut12;

import java.math.BigInteger;

import org.bouncycastle.math.ec.ECPoint;
import org.routstr.crypto.Hex;
import org.routstr.crypto.Secp256k1;
import org.routstr.crypto.cashu.Dleq;
import org.routstr.crypto.cashu.nut00.BlindSignature;
import org.routstr.crypto.cashu.nut00.DleqProof;
import org.routstr.crypto.cashu.nut00.Proof;

/**
 * Verifies NUT-12 DLEQ proofs carried by blind signatures (mint → wallet) and by proofs in tokens
 * (wallet → wallet). Malformed hex or points count as "does not verify".
 *
 * @see <a href="https://github.com/cashubtc/nuts/blob/main/12.md">NUT-12</a>
 */
public final class DleqVerifier {
    private DleqVerifier() {
    }

    /** Verifies the DLEQ of a blind signature for blinded message B_ under key A; false if absent. */
    public static boolean verifySignature(BlindSignature signature, String blindedHex, ECPoint bigA) {
        if (signature.dleq() == null) {
            return false;
        }
        try {
            DleqProof d = signature.dleq();
            return Dleq.verify(bigA, Secp256k1.pointFromHex(blindedHex), Secp256k1.pointFromHex(signature.C_()),
                    scalar(d.e()), scalar(d.s()));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Verifies the DLEQ (e, s, r) carried by a proof under key A; false if absent or without r. */
    public static boolean verifyProof(Proof proof, ECPoint bigA) {
        DleqProof d = proof.dleq();
        if (d == null || d.r() == null) {
            return false;
        }
        try {
            return Dleq.verifyProof(bigA, proof.secret(), Secp256k1.pointFromHex(proof.C()),
                    scalar(d.e()), scalar(d.s()), scalar(d.r()));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static BigInteger scalar(String hex) {
        return new BigInteger(1, Hex.decode(hex));
    }
}
