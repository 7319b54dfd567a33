package org.routstr.wallet.mint;

import java.time.Instant;
import java.util.Optional;

/**
 * A Lightning top-up invoice (a mint quote at the primary mint). Only hashes of its secrets (the invoice id and the bolt11)
 * are kept, since the new key is wrapped under each of them.
 */
public record Invoice(String idHash, String quoteId, String mintUrl, String bolt11Hash, long amountSats, String purpose,
                      String accountHash, Optional<AccountSpec> spec, Optional<String> wrappedKey,
                      Optional<String> wrappedKeyBolt11, String status, Instant expiresAt, Optional<Instant> paidAt,
                      Instant createdAt) {
}
