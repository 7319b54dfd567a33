package org.routstr.crypto.cashu.nut05;

/**
 * Body of {@code POST /v1/melt/quote/bolt11}.
 *
 * @see <a href="https://github.com/cashubtc/nuts/blob/main/05.md">NUT-05</a>
 */
public record MeltQuoteRequest(String request, String unit) {
    /** Checks the fields. */
    public MeltQuoteRequest {
        if (request == null || request.isBlank() || unit == null) {
            throw new IllegalArgumentException("melt quote needs an invoice and a unit");
        }
    }
}
