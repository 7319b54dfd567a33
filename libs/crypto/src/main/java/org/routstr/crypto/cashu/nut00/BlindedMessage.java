package org.routstr.crypto.cashu.nut00;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A blinded message (a.k.a. output): amount, keyset id and the blinded point B_ (compressed hex).
 *
 * @see <a href="https://github.com/cashubtc/nuts/blob/main/00.md">NUT-00</a>
 */
public record BlindedMessage(long amount, String id, @JsonProperty("B_") String B_) {
    /** Checks the invariants. */
    public BlindedMessage {
        if (amount < 0 || id == null || B_ == null) {
            throw new IllegalArgumentException("blinded message needs a non-negative amount, id and B_");
        }
    }
}
