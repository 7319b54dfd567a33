package org.routstr.ledger;

import java.time.Instant;
import java.util.Optional;

/**
 * A key's money as stored: balance and reserved live on the billing (top-level) account; a child shows its own reserved
 * and spent counters.
 */
public record Account(String keyHash,
                      Optional<String> parentHash,
                      long balanceMsat,
                      long reservedMsat,
                      long spentMsat,
                      long requests,
                      Optional<Long> spendingLimitMsat,
                      Optional<LimitReset> limitReset,
                      long windowSpentMsat,
                      Optional<Instant> validUntil,
                      Optional<Instant> expiresAt,
                      Optional<String> refundAddress,
                      Optional<String> refundMintUrl,
                      Optional<String> refundUnit,
                      String status,
                      Instant createdAt) {
    /** Balance minus reserved: what can be spent or refunded now. */
    public long availableMsat() {
        return balanceMsat - reservedMsat;
    }

    /** The hash of the account that pays: the parent for a child key, else this key. */
    public String billingHash() {
        return parentHash.orElse(keyHash);
    }
}
