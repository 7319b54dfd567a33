package org.routstr.crypto.cashu.nut05;

/**
 * State of a melt quote: UNPAID, PENDING, PAID.
 *
 * @see <a href="https://github.com/cashubtc/nuts/blob/main/05.md">NUT-05</a>
 */
public enum MeltQuoteState {
    /** Not paid (or the payment failed; inputs are free again). */
    UNPAID,
    /** The payment is in flight; inputs are reserved. */
    PENDING,
    /** Paid. */
    PAID
}
