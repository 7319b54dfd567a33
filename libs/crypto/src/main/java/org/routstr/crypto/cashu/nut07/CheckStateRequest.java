package org.routstr.crypto.cashu.nut07;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Body of {@code POST /v1/checkstate}: the Ys (hash_to_curve of the secrets).
 *
 * @see <a href="https://github.com/cashubtc/nuts/blob/main/07.md">NUT-07</a>
 */
public record CheckStateRequest(@JsonProperty("Ys") List<String> Ys) {
    /** Copies the list. */
    public CheckStateRequest {
        Ys = List.copyOf(Ys);
    }
}
