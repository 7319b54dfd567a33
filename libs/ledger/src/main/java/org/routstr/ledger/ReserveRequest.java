package org.routstr.ledger;

import java.util.Objects;
import java.util.UUID;

/** One reservation to make: its id (the idempotency key), the key that pays and the worst-case msat. */
public record ReserveRequest(UUID id, String keyHash, long msat) {
    public ReserveRequest {
        Objects.requireNonNull(id);
        Objects.requireNonNull(keyHash);
    }
}
