package org.routstr.crypto.cashu.nut00;

import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A blind signature (a.k.a. promise): amount, keyset id, C_ = k·B_ and an optional NUT-12 DLEQ proof.
 *
 * @see <a href="https://github.com/cashubtc/nuts/blob/main/00.md">NUT-00</a>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BlindSignature(long amount, String id, @JsonProperty("C_") String C_, DleqProof dleq) {
    /** Checks the invariants. */
    public BlindSignature {
        if (amount < 0 || id == null || C_ == null) {
            throw new IllegalArgumentException("blind signature needs amount, id and C_");
        }
    }

    /** The DLEQ proof, if the mint sent one. */
    public Optional<DleqProof> dleqProof() {
        return Optional.ofNullable(dleq);
    }
}
