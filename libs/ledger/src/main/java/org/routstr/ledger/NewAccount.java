package org.routstr.ledger;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A key to open: its hash, an optional parent (child keys) and its limits and refund settings.
 */
public record NewAccount(String keyHash,
                         Optional<String> parentHash,
                         Optional<Long> spendingLimitMsat,
                         Optional<LimitReset> limitReset,
                         Optional<Instant> validUntil,
                         Optional<Instant> expiresAt,
                         Optional<String> refundAddress,
                         Optional<String> refundMintUrl,
                         Optional<String> refundUnit) {
    public NewAccount {
        Objects.requireNonNull(keyHash, "keyHash");
        if (!keyHash.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("keyHash must be 64 lower-case hex characters");
        }
        spendingLimitMsat.ifPresent(l -> {
            if (l < 0) {
                throw new IllegalArgumentException("spending limit must not be negative");
            }
        });
    }

    /** A plain top-level account with no limits. */
    public static NewAccount of(String keyHash) {
        return new NewAccount(keyHash, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                              Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** A child key of {@code parentHash}, with an optional limit. */
    public static NewAccount child(String keyHash, String parentHash, Optional<Long> limitMsat, Optional<LimitReset> reset) {
        return new NewAccount(keyHash, Optional.of(parentHash), limitMsat, reset, Optional.empty(), Optional.empty(),
                              Optional.empty(), Optional.empty(), Optional.empty());
    }
}
