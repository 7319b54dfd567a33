package org.routstr.crypto.cashu.client;

/**
 * The mint answered 2xx with a body that is not the expected JSON, or with signatures that fail verification.
 */
public final class MintProtocolException extends MintException {
    /** Creates the exception. */
    public MintProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
