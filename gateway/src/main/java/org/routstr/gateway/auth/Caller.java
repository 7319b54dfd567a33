package org.routstr.gateway.auth;

import java.util.Optional;

/**
 * Who pays for a request: the key hash that reserves, the billing account (the parent of a child key), and the X-Cashu
 * token when the request paid with one (its change is returned after the request).
 */
public record Caller(String keyHash, String billingHash, Optional<String> xCashuToken) {
    /** A redacted form for logs. */
    @Override
    public String toString() {
        return "Caller[" + keyHash.substring(0, 8) + "…]";
    }
}
