package org.routstr.crypto.cashu.nut01;

import java.util.List;

/**
 * Body of {@code GET /v1/keys} and {@code GET /v1/keys/{id}}, parsed into validated {@link MintKeyset}s.
 *
 * @see <a href="https://github.com/cashubtc/nuts/blob/main/01.md">NUT-01</a>
 */
public record KeysResponse(List<MintKeyset> keysets) {
    /** Copies the list. */
    public KeysResponse {
        keysets = List.copyOf(keysets);
    }
}
