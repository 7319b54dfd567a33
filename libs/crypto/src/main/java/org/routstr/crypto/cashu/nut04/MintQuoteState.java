package org.routstr.crypto.cashu.nut04;

/**
 * State of a mint quote: UNPAID, PAID, ISSUED.
 *
 * @see <a href="https://github.com/cashubtc/nuts/blob/main/04.md">NUT-04</a>
 */
public enum MintQuoteState {
    /** The invoice is not paid yet. */
    UNPAID,
    /** Paid, ecash can be minted. */
    PAID,
    /** Ecash was minted. */
    ISSUED
}
