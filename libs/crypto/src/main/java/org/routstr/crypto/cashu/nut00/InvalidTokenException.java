package org.routstr.crypto.cashu.nut00;

import org.routstr.crypto.cashu.CashuException;

/**
 * A serialized token could not be decoded or violates the token rules; {@link #reason()} says why.
 * Messages never contain the token itself.
 */
public final class InvalidTokenException extends CashuException {
    /** Why a token was rejected. */
    public enum Reason {
        /** Empty or blank input. */
        EMPTY,
        /** Does not start with {@code cashu}. */
        BAD_PREFIX,
        /** A version character other than A (V3) or B (V4). */
        UNSUPPORTED_VERSION,
        /** The payload is not base64url. */
        BAD_BASE64,
        /** The V3 payload is not JSON. */
        BAD_JSON,
        /** The V4 payload is not CBOR. */
        BAD_CBOR,
        /** A required field is missing or has the wrong type. */
        MISSING_FIELD,
        /** An amount is zero, negative or does not fit 63 bits. */
        INVALID_AMOUNT,
        /** A field has an invalid value (e.g. a malformed key or keyset id). */
        INVALID_FIELD,
        /** A V3 token spans several mints. */
        MULTIPLE_MINTS,
        /** The token holds no proofs. */
        NO_PROOFS
    }

    private final Reason reason;

    /** Creates the exception. */
    public InvalidTokenException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    /** Creates the exception with a cause. */
    public InvalidTokenException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    /** The reason. */
    public Reason reason() {
        return reason;
    }
}
