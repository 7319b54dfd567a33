package org.routstr.crypto.cashu.nut04;

import java.util.List;

import org.routstr.crypto.cashu.nut00.BlindSignature;

/**
 * Response of {@code POST /v1/mint/bolt11}.
 *
 * @see <a href="https://github.com/cashubtc/nuts/blob/main/04.md">NUT-04</a>
 */
public record MintResponse(List<BlindSignature> signatures) {
    /** Copies the list. */
    public MintResponse {
        signatures = signatures == null ? List.of() : List.copyOf(signatures);
    }
}
