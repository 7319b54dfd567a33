package org.routstr.wallet.mint;

import java.util.Optional;

/**
 * A token issued (or being issued) to a user or the owner, or a payout melted to Lightning: state pending | issued | failed.
 *
 * @param fee   what a Lightning payout cost beyond {@code amount} (owner melts), in unit
 * @param error why it failed
 */
public record Issued(String id, String kind, Optional<String> accountHash, String state, Optional<String> token, long amount,
                     String unit, String mintUrl, long debitedMsat, Optional<String> recipient, long fee,
                     Optional<String> error) {
}
