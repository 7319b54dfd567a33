package org.routstr.crypto.cashu.client;

/**
 * The mint could not be reached, timed out, or failed with a 5xx. If {@link #mayHaveBeenProcessed()} is true
 * (the request was sent), the outcome of a swap/mint/melt is <em>ambiguous</em>: check proof states (NUT-07) or
 * restore (NUT-09) before reusing inputs or outputs.
 */
public final class MintUnreachableException extends MintException {
    private final boolean mayHaveBeenProcessed;

    /** Creates the exception. */
    public MintUnreachableException(String message, boolean mayHaveBeenProcessed, Throwable cause) {
        super(message, cause);
        this.mayHaveBeenProcessed = mayHaveBeenProcessed;
    }

    /** False only if the connection could not be opened (the request never left). */
    public boolean mayHaveBeenProcessed() {
        return mayHaveBeenProcessed;
    }
}
