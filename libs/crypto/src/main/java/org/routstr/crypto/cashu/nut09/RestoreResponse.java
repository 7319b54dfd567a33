package org.routstr.crypto.cashu.nut09;

import java.util.List;

import org.routstr.crypto.cashu.nut00.BlindSignature;
import org.routstr.crypto.cashu.nut00.BlindedMessage;

/**
 * Response of {@code POST /v1/restore}: the outputs the mint had signed and their signatures (match by B_).
 * Older mints call the signatures {@code promises}; both are read.
 *
 * @see <a href="https://github.com/cashubtc/nuts/blob/main/09.md">NUT-09</a>
 */
public record RestoreResponse(List<BlindedMessage> outputs, List<BlindSignature> signatures, List<BlindSignature> promises) {
    /** Merges the legacy {@code promises} field into {@code signatures}. */
    public RestoreResponse {
        outputs = outputs == null ? List.of() : List.copyOf(outputs);
        signatures = signatures != null ? List.copyOf(signatures) : promises == null ? List.of() : List.copyOf(promises);
        promises = null;
    }

    /** A response with outputs and signatures. */
    public RestoreResponse(List<BlindedMessage> outputs, List<BlindSignature> signatures) {
        this(outputs, signatures, null);
    }
}
