package org.routstr.wallet.mint;

import java.time.Instant;
import java.util.Optional;

import org.routstr.ledger.LimitReset;
import org.routstr.ledger.NewAccount;

/**
 * The settings of a key to open once its payment is credited (stored as JSON with the pending payment).
 */
public record AccountSpec(Long limitMsat, String limitReset, Long validUntil, Long expiresAt, String refundAddress,
                          String refundMintUrl, String refundUnit) {
    /** No limits, no refund settings. */
    public static AccountSpec plain(String mintUrl, String unit) {
        return new AccountSpec(null, null, null, null, null, mintUrl, unit);
    }

    NewAccount toAccount(String keyHash) {
        return new NewAccount(keyHash, Optional.empty(), Optional.ofNullable(limitMsat),
                Optional.ofNullable(limitReset).flatMap(LimitReset::parse),
                Optional.ofNullable(validUntil).map(Instant::ofEpochSecond), Optional.ofNullable(expiresAt).map(Instant::ofEpochSecond),
                Optional.ofNullable(refundAddress), Optional.ofNullable(refundMintUrl), Optional.ofNullable(refundUnit));
    }

    AccountSpec withRefundMint(String mintUrl, String unit) {
        return new AccountSpec(limitMsat, limitReset, validUntil, expiresAt, refundAddress, mintUrl, unit);
    }
}
