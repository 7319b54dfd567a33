package org.routstr.crypto.cashu.nut02;

import java.util.List;

/**
 * Body of {@code GET /v1/keysets}.
 *
 * @see <a href="https://github.com/cashubtc/nuts/blob/main/02.md">NUT-02</a>
 */
public record KeysetsResponse(List<KeysetInfo> keysets) {
    /** Copies the list. */
    public KeysetsResponse {
        keysets = keysets == null ? List.of() : List.copyOf(keysets);
    }
}
