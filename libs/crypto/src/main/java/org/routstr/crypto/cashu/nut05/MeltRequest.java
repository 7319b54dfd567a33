package org.routstr.crypto.cashu.nut05;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.routstr.crypto.cashu.nut00.BlindedMessage;
import org.routstr.crypto.cashu.nut00.Proof;

/**
 * Body of {@code POST /v1/melt/bolt11}: inputs covering amount + fee_reserve + input fees, and NUT-08 blank outputs.
 *
 * @see <a href="https://github.com/cashubtc/nuts/blob/main/05.md">NUT-05</a>
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record MeltRequest(String quote, List<Proof> inputs, List<BlindedMessage> outputs) {
    /** Copies the lists. */
    public MeltRequest {
        inputs = List.copyOf(inputs);
        outputs = outputs == null ? List.of() : List.copyOf(outputs);
    }
}
