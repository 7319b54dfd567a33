package org.routstr.wallet.mint;

import java.util.Optional;

/**
 * A token issued (or being issued) to a user or the owner: state pending | issued | failed.
 */
public record Issued(String id, String kind, Optional<String> accountHash, String state, Optional<String> token, long amount,
                     String unit, String mintUrl, long debitedMsat, Optional<String> recipient) {
}
