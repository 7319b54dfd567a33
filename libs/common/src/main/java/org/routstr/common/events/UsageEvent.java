package org.routstr.common.events;

import java.time.Instant;
import java.util.Objects;

/**
 * What one paid request really cost, from the gateway to billing. {@code requestId} is the reservation id, so billing
 * settles each reservation once however often the event is delivered.
 *
 * @param pricing how the cost was found: {@code usage}, {@code per_request}, {@code per_image}, {@code estimate}
 *                (no usage reported: the reserved worst case), {@code failed} (nothing served: cost 0)
 */
public record UsageEvent(int schema,
                         String requestId,
                         String accountHash,
                         String keyHash,
                         String model,
                         String provider,
                         String endpoint,
                         int status,
                         long reservedMsat,
                         long costMsat,
                         long inputTokens,
                         long outputTokens,
                         long cachedTokens,
                         long cacheWriteTokens,
                         String pricing,
                         Instant at) {
    /** The schema version this code writes. */
    public static final int SCHEMA = 1;

    public UsageEvent {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(accountHash, "accountHash");
        Objects.requireNonNull(keyHash, "keyHash");
        if (reservedMsat < 0 || costMsat < 0) {
            throw new IllegalArgumentException("msat amounts must not be negative");
        }
    }
}
