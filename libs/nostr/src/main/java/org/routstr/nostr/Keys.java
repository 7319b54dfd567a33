package org.routstr.nostr;

import java.math.BigInteger;
import java.util.Locale;

import org.routstr.crypto.Bip340;
import org.routstr.crypto.Hex;
import org.routstr.crypto.Secp256k1;

/**
 * A Nostr identity: the secret key and its x-only public key. {@link #toString()} never shows the secret.
 *
 * @see <a href="https://github.com/nostr-protocol/nips/blob/master/01.md">NIP-01</a>
 */
public final class Keys {
    private final BigInteger secret;
    private final String pubkey;

    private Keys(BigInteger secret) {
        this.secret = secret;
        this.pubkey = Hex.encode(Bip340.xOnlyPublicKey(secret));
    }

    /** A fresh random identity. */
    public static Keys generate() {
        return new Keys(Secp256k1.randomScalar());
    }

    /** Parses an {@code nsec1…} or 64 hex characters. */
    public static Keys parse(String nsecOrHex) {
        String s = nsecOrHex.strip();
        String hex = s.toLowerCase(Locale.ROOT).startsWith("nsec1") ? Nip19.decode32(s, "nsec") : s;
        if (hex.length() != 64 || !Hex.isHex(hex)) {
            throw new IllegalArgumentException("a Nostr secret key is nsec1… or 64 hex characters");
        }
        return new Keys(Secp256k1.scalarFromHex(hex));
    }

    /** The x-only public key, 64 lowercase hex characters (as in events and filters). */
    public String pubkey() {
        return pubkey;
    }

    public String npub() {
        return Nip19.npub(pubkey);
    }

    /** The secret as {@code nsec1…}: for storing it sealed, never for logs. */
    public String nsec() {
        return Nip19.nsec(Secp256k1.scalarHex(secret));
    }

    BigInteger secret() {
        return secret;
    }

    @Override
    public String toString() {
        return "Keys[" + npub() + "]";
    }
}
