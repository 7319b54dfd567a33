package org.routstr.wallet.mint;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.routstr.crypto.cashu.nut00.Proof;

/**
 * A mint interaction with a NUT-13 counter range reserved for its outputs, persisted before the call.
 *
 * @param kind      receive | send | mint | foreign | melt
 * @param amounts   output amounts, one counter each starting at {@code counterStart}
 * @param sendCount for a send: how many leading outputs go to the recipient
 * @param inputs    proofs handed to the mint (may be empty)
 */
record Operation(UUID id, String kind, String mintUrl, String unit, String keysetId, long counterStart, List<Long> amounts,
                 int sendCount, List<Proof> inputs, Optional<String> quoteId, Optional<String> meltQuoteId,
                 Optional<String> sourceMint) {
    Operation {
        amounts = List.copyOf(amounts);
        inputs = List.copyOf(inputs);
    }

    long counterEnd() {
        return counterStart + amounts.size();
    }
}
