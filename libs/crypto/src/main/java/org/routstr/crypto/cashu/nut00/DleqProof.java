package org.routstr.crypto.cashu.nut00;

import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A NUT-12 DLEQ proof as carried by a blind signature ({@code e, s}) or a proof ({@code e, s, r}); hex scalars.
 *
 * @see <a href="https://github.com/cashubtc/nuts/blob/main/12.md">NUT-12</a>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DleqProof(String e, String s, String r) {
    /** Validates that e and s are present. */
    public DleqProof {
        if (e == null || s == null) {
            throw new IllegalArgumentException("dleq needs e and s");
        }
    }

    /** The blinding factor r, present only in proofs held by wallets. */
    public Optional<String> blindingFactor() {
        return Optional.ofNullable(r);
    }

    /** The proof without r (what a blind signature carries). */
    public DleqProof withoutR() {
        return new DleqProof(e, s, null);
    }
}
