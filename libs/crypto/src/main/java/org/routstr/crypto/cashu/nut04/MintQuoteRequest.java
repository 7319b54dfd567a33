package org.routstr.crypto.cashu.nut04;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Body of {@code POST /v1/mint/quote/bolt11}.
 *
 * @see <a href="https://github.com/cashubtc/nuts/blob/main/04.md">NUT-04</a>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MintQuoteRequest(long amount, String unit, String description) {
    /** Checks the amount. */
    public MintQuoteRequest {
        if (amount <= 0 || unit == null) {
            throw new IllegalArgumentException("mint quote needs a positive amount and a unit");
        }
    }
}
