package org.routstr.gateway.auth;

/**
 * An error answer from wallet-service, passed to the client unchanged (status and envelope body).
 */
public final class WalletException extends RuntimeException {
    private final int status;
    private final transient byte[] body;

    public WalletException(int status, byte[] body) {
        super("wallet-service answered " + status, null, false, false);
        this.status = status;
        this.body = body.clone();
    }

    public int status() {
        return status;
    }

    public byte[] body() {
        return body.clone();
    }
}
