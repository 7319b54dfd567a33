package org.routstr.crypto.cashu;

/**
 * The available proofs cannot cover the target amount plus input fees.
 */
public final class InsufficientFundsException extends CashuException {
    /** Creates the exception. */
    public InsufficientFundsException(String message) {
        super(message);
    }
}
