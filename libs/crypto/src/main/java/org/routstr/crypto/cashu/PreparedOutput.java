package org.routstr.crypto.cashu;

import java.math.BigInteger;

import org.bouncycastle.math.ec.ECPoint;
import org.routstr.crypto.Secp256k1;
import org.routstr.crypto.cashu.nut00.BlindSignature;
import org.routstr.crypto.cashu.nut00.BlindedMessage;
import org.routstr.crypto.cashu.nut00.DleqProof;
import org.routstr.crypto.cashu.nut00.Proof;
import org.routstr.crypto.cashu.nut01.MintKeyset;
import org.routstr.crypto.cashu.nut12.DleqVerifier;

/**
 * An output before it is sent: the secret and blinding factor r the wallet keeps, and B_ the mint signs.
 * {@link #toString()} never prints the secret or r.
 *
 * @see <a href="https://github.com/cashubtc/nuts/blob/main/00.md">NUT-00</a>
 */
public record PreparedOutput(long amount, String keysetId, String secret, BigInteger r, String B_) {
    /** Blinds a secret with r for a keyset. */
    public static PreparedOutput of(long amount, String keysetId, String secret, BigInteger r) {
        return new PreparedOutput(amount, keysetId, secret, r, Secp256k1.toHex(Bdhke.blind(secret, r)));
    }

    /** The blinded message to send. */
    public BlindedMessage blindedMessage() {
        return new BlindedMessage(amount, keysetId, B_);
    }

    /**
     * Unblinds the mint's signature into a proof (with DLEQ e, s, r attached if the mint sent one).
     *
     * @param requireDleq fail if the signature carries no DLEQ proof
     * @throws CashuException if the signature does not belong to this output's keyset or its DLEQ fails
     */
    public Proof unblind(BlindSignature signature, MintKeyset keyset, boolean requireDleq) {
        if (!keyset.id().equals(signature.id())) {
            throw new CashuException("signature keyset " + signature.id() + " differs from " + keyset.id());
        }
        ECPoint bigK = keyset.publicKey(signature.amount());
        DleqProof dleq = null;
        if (signature.dleq() != null) {
            if (!DleqVerifier.verifySignature(signature, B_, bigK)) {
                throw new CashuException("DLEQ proof of the mint's signature does not verify (amount " + signature.amount() + ")");
            }
            dleq = new DleqProof(signature.dleq().e(), signature.dleq().s(), Secp256k1.scalarHex(r));
        } else if (requireDleq) {
            throw new CashuException("mint sent no DLEQ proof");
        }
        ECPoint c = Bdhke.unblind(Secp256k1.pointFromHex(signature.C_()), r, bigK);
        return new Proof(signature.amount(), signature.id(), secret, Secp256k1.toHex(c), null, dleq);
    }

    @Override
    public String toString() {
        return "PreparedOutput[amount=" + amount + ", keysetId=" + keysetId + ", B_=" + B_ + "]";
    }
}
