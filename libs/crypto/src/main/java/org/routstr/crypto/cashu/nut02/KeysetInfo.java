package org.routstr.crypto.cashu.nut02;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One entry of {@code GET /v1/keysets}: id, unit, active flag, input fee (ppk) and optional final expiry.
 * A missing {@code input_fee_ppk} reads as 0; {@code final_expiry} may be null.
 *
 * @see <a href="https://github.com/cashubtc/nuts/blob/main/02.md">NUT-02</a>
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record KeysetInfo(String id, String unit, boolean active,
                         @JsonProperty("input_fee_ppk") long inputFeePpk,
                         @JsonProperty("final_expiry") Long finalExpiry) {
    /** Checks the id. */
    public KeysetInfo {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("keyset info needs an id");
        }
        if (inputFeePpk < 0) {
            throw new IllegalArgumentException("input_fee_ppk must not be negative");
        }
    }
}
