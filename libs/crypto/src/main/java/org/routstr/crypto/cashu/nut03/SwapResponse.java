package org.routstr.crypto.cashu.nut03;

import java.util.List;

import org.routstr.crypto.cashu.nut00.BlindSignature;

/**
 * Response of {@code POST /v1/swap}: one blind signature per output, in request order.
 *
 * @see <a href="https://github.com/cashubtc/nuts/blob/main/03.md">NUT-03</a>
 */
public record SwapResponse(List<BlindSignature> signatures) {
    /** Copies the list. */
    public SwapResponse {
        signatures = signatures == null ? List.of() : List.copyOf(signatures);
    }
}
