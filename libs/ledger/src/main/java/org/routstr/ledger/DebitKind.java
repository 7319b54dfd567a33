package org.routstr.ledger;

/**
 * Why money leaves an account.
 */
public enum DebitKind {
    REFUND, WITHDRAWAL, FORFEIT;

    String sql() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
