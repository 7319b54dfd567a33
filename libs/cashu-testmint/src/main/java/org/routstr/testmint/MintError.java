package org.routstr.testmint;

/**
 * A request the test mint rejects; answered as HTTP 400 {@code {"detail","code"}} with the spec's error code.
 */
final class MintError extends RuntimeException {
    private final int code;

    MintError(int code, String detail) {
        super(detail);
        this.code = code;
    }

    int code() {
        return code;
    }
}
