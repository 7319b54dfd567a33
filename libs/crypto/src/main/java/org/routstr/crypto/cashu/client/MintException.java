package org.routstr.crypto.cashu.client;

import org.routstr.crypto.cashu.CashuException;

/**
 * A mint call failed: the mint rejected it ({@link MintRejectedException}), could not be reached or did not answer in
 * time ({@link MintUnreachableException}), or answered with something unreadable ({@link MintProtocolException}).
 */
public abstract sealed class MintException extends CashuException
        permits MintRejectedException, MintUnreachableException, MintProtocolException {
    MintException(String message, Throwable cause) {
        super(message, cause);
    }
}
