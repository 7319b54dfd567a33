package org.routstr.crypto.cashu;

/**
 * Base of every unchecked exception thrown by the Cashu library.
 */
public class CashuException extends RuntimeException {
    /** Creates the exception. */
    public CashuException(String message) {
        super(message);
    }

    /** Creates the exception with a cause. */
    public CashuException(String message, Throwable cause) {
        super(message, cause);
    }
}
