package org.routstr.nostr;

import org.routstr.crypto.Bip340;
import org.routstr.crypto.Hex;

/**
 * BIP-340 signatures of Nostr event ids, over the shared {@link Bip340} (BouncyCastle). Verification takes hex as it
 * arrives from a relay and answers false, never throws, for anything malformed.
 *
 * @see <a href="https://github.com/bitcoin/bips/blob/master/bip-0340.mediawiki">BIP-340</a>
 */
public final class Schnorr {
    private Schnorr() {
    }

    /** Signs a message (an event id is 32 bytes; BIP-340 allows any length) with fresh aux randomness. */
    public static byte[] sign(Keys keys, byte[] message) {
        return Bip340.sign(keys.secret(), message);
    }

    /** Signs with a given aux_rand: deterministic, for the published vectors only. */
    public static byte[] sign(Keys keys, byte[] message, byte[] auxRand) {
        return Bip340.sign(keys.secret(), message, auxRand);
    }

    /** Whether {@code sigHex} is a valid signature of {@code message} by {@code pubkeyHex}. */
    public static boolean verify(String pubkeyHex, byte[] message, String sigHex) {
        if (!isHex(pubkeyHex, 64) || !isHex(sigHex, 128)) {
            return false;
        }
        return Bip340.verify(Hex.decode(pubkeyHex), message, Hex.decode(sigHex));
    }

    static boolean isHex(String s, int length) {
        return s != null && s.length() == length && Hex.isHex(s);
    }
}
