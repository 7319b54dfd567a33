package org.routstr.crypto.cashu.nut03;

import java.util.List;

import org.routstr.crypto.cashu.nut00.BlindedMessage;
import org.routstr.crypto.cashu.nut00.Proof;

/**
 * Body of {@code POST /v1/swap}: inputs to spend and outputs to sign (Σinputs − fees == Σoutputs).
 *
 * @see <a href="https://github.com/cashubtc/nuts/blob/main/03.md">NUT-03</a>
 */
public record SwapRequest(List<Proof> inputs, List<BlindedMessage> outputs) {
    /** Copies the lists. */
    public SwapRequest {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }
}
