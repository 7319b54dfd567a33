package org.routstr.crypto.cashu.nut07;

/**
 * State of a proof at the mint.
 *
 * @see <a href="https://github.com/cashubtc/nuts/blob/main/07.md">NUT-07</a>
 */
public enum ProofStateValue {
    /** Never spent. */
    UNSPENT,
    /** Reserved by an in-flight melt. */
    PENDING,
    /** Spent. */
    SPENT
}
