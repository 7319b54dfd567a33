package org.routstr.crypto;

import java.math.BigInteger;
import java.security.SecureRandom;

import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.BIP340Signer;

/**
 * BIP-340 Schnorr signatures over BouncyCastle's {@link BIP340Signer} (used by NUT-11 P2PK, NUT-20 and Nostr events).
 *
 * @see <a href="https://github.com/bitcoin/bips/blob/master/bip-0340.mediawiki">BIP-340</a>
 */
public final class Bip340 {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Bip340() {
    }

    /** Signs a message with a 32-byte private key and fresh auxiliary randomness; returns the 64-byte signature. */
    public static byte[] sign(BigInteger privateKey, byte[] message) {
        return sign(privateKey, message, RANDOM);
    }

    /** Signs with the given 32 bytes of auxiliary randomness (deterministic: for published test vectors only). */
    public static byte[] sign(BigInteger privateKey, byte[] message, byte[] auxRand) {
        if (auxRand.length != 32) {
            throw new IllegalArgumentException("BIP-340 aux_rand must be 32 bytes");
        }
        return sign(privateKey, message, new FixedAux(auxRand.clone()));
    }

    private static byte[] sign(BigInteger privateKey, byte[] message, SecureRandom aux) {
        if (privateKey.signum() <= 0 || privateKey.compareTo(Secp256k1.N) >= 0) {
            throw new IllegalArgumentException("private key out of range");
        }
        BIP340Signer signer = new BIP340Signer();
        signer.init(true, new ParametersWithRandom(new ECPrivateKeyParameters(privateKey, BIP340Signer.getDomain()), aux));
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }

    /** The 32-byte x-only public key of a private key. */
    public static byte[] xOnlyPublicKey(BigInteger privateKey) {
        return Secp256k1.scalarBytes(Secp256k1.multiplyG(privateKey).getAffineXCoord().toBigInteger());
    }

    /**
     * Verifies a 64-byte signature against a 32-byte x-only public key; false (never an exception) for a key that is not
     * on the curve or a malformed signature.
     */
    public static boolean verify(byte[] xOnlyPublicKey, byte[] message, byte[] signature) {
        if (xOnlyPublicKey.length != 32 || signature.length != 64) {
            return false;
        }
        BIP340Signer signer = new BIP340Signer();
        try {
            // BouncyCastle answers null for an x that is not on the curve
            ECPublicKeyParameters key = BIP340Signer.decodePublicKey(xOnlyPublicKey);
            if (key == null) {
                return false;
            }
            signer.init(false, key);
        } catch (IllegalArgumentException | ArithmeticException e) {
            return false;
        }
        signer.update(message, 0, message.length);
        return signer.verifySignature(signature);
    }

    /** Hands BouncyCastle a fixed aux_rand instead of random bytes. */
    private static final class FixedAux extends SecureRandom {
        private final byte[] aux;

        FixedAux(byte[] aux) {
            this.aux = aux;
        }

        @Override
        public void nextBytes(byte[] bytes) {
            System.arraycopy(aux, 0, bytes, 0, Math.min(aux.length, bytes.length));
        }
    }
}
