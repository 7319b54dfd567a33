package org.routstr.crypto.cashu.nut09;

import java.util.List;

import org.routstr.crypto.cashu.nut00.BlindedMessage;

/**
 * Body of {@code POST /v1/restore}.
 *
 * @see <a href="https://github.com/cashubtc/nuts/blob/main/09.md">NUT-09</a>
 */
public record RestoreRequest(List<BlindedMessage> outputs) {
    /** Copies the list. */
    public RestoreRequest {
        outputs = List.copyOf(outputs);
    }
}
