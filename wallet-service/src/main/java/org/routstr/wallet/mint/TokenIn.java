package org.routstr.wallet.mint;

import java.util.Optional;
import java.util.UUID;

/**
 * A received token's row: which account it pays, and how far its redemption got.
 */
record TokenIn(String tokenHash, String purpose, String state, String accountHash, Optional<AccountSpec> spec,
               Optional<String> wrappedKey, String mintUrl, String unit, long face, long creditedMsat,
               Optional<String> errorCode, boolean terminal, Optional<UUID> operationId) {
}
