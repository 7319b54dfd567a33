package org.routstr.wallet.mint;

import java.time.Instant;
import java.util.Optional;

/**
 * A Lightning top-up invoice (a mint quote at the primary mint).
 */
public record Invoice(String idHash, String quoteId, String mintUrl, String bolt11, long amountSats, String purpose,
                      String accountHash, Optional<AccountSpec> spec, Optional<String> wrappedKey,
                      Optional<String> wrappedKeyBolt11, String status, Instant expiresAt, Optional<Instant> paidAt,
                      Instant createdAt) {
}
