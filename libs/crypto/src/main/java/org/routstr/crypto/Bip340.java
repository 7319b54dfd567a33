package org.routstr.crypto;

import java.math.BigInteger;
import java.security.SecureRandom;

import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.BIP340Signer;

/**
 * BIP-340 Schnorr signatures over BouncyCastle's {@link BIP340Signer} (used by NUT-11 P2PK and NUT-20).
 *
 * @see <a href="https://github.com/bitcoin/bips/blob/master/bip-0340.mediawiki">BIP-340</a>
 */
public final class Bip340 {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Bip340() {
    }

    /** Signs a message with a 32-byte private key; returns the 64-byte signature. */
    public static byte[] sign(BigInteger privateKey, byte[] message) {
        BIP340Signer signer = new BIP340Signer();
        signer.init(true, new ParametersWithRandom(new ECPrivateKeyParameters(privateKey, BIP340Signer.getDomain()), RANDOM));
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }

    /** Verifies a 64-byte signature against a 32-byte x-only public key. */
    public static boolean verify(byte[] xOnlyPublicKey, byte[] message, byte[] signature) {
        BIP340Signer signer = new BIP340Signer();
        signer.init(false, BIP340Signer.decodePublicKey(xOnlyPublicKey));
        signer.update(message, 0, message.length);
        return signer.verifySignature(signature);
    }
}
