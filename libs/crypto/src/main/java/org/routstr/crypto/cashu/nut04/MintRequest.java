package org.routstr.crypto.cashu.nut04;

import java.util.List;

import org.routstr.crypto.cashu.nut00.BlindedMessage;

/**
 * Body of {@code POST /v1/mint/bolt11}: the paid quote and outputs summing to its amount.
 *
 * @see <a href="https://github.com/cashubtc/nuts/blob/main/04.md">NUT-04</a>
 */
public record MintRequest(String quote, List<BlindedMessage> outputs) {
    /** Copies the list. */
    public MintRequest {
        outputs = List.copyOf(outputs);
    }
}
