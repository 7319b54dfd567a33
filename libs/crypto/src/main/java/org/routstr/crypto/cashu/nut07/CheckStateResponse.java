package org.routstr.crypto.cashu.nut07;

import java.util.List;

/**
 * Response of {@code POST /v1/checkstate}, same order as the request.
 *
 * @see <a href="https://github.com/cashubtc/nuts/blob/main/07.md">NUT-07</a>
 */
public record CheckStateResponse(List<ProofState> states) {
    /** Copies the list. */
    public CheckStateResponse {
        states = states == null ? List.of() : List.copyOf(states);
    }
}
