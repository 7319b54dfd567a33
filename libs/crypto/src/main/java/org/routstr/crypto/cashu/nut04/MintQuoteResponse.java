package org.routstr.crypto.cashu.nut04;

/**
 * A bolt11 mint quote. The quote id is a bearer secret: do not log it.
 *
 * @see <a href="https://github.com/cashubtc/nuts/blob/main/04.md">NUT-04</a>
 */
public record MintQuoteResponse(String quote, String request, long amount, String unit, MintQuoteState state, Long expiry) {
    @Override
    public String toString() {
        return "MintQuoteResponse[amount=" + amount + ", unit=" + unit + ", state=" + state + "]";
    }
}
