package org.routstr.wallet.internal;

import java.util.function.Supplier;
import java.util.Optional;

import org.routstr.common.http.ApiException;
import org.routstr.ledger.Account;
import org.routstr.ledger.Ledger;
import org.routstr.wallet.mint.Issued;
import org.routstr.wallet.mint.Sender;

/**
 * The change of an X-Cashu token fetched later with the original token ({@code POST /v1/balance/refund}): whatever is left on
 * the token's key once none of its requests is active is paid out now (the gateway could not make change at the time: the
 * wallet was unreachable, settlement was slow, a payout failed, the client left a stream), else the last change issued.
 */
public final class LaterChange {
    private final Ledger ledger;
    private final Sender sender;
    private final Supplier<String> primaryMint;

    public LaterChange(Ledger ledger, Sender sender, Supplier<String> primaryMint) {
        this.ledger = ledger;
        this.sender = sender;
        this.primaryMint = primaryMint;
    }

    /** The change token for a token's key; 425 while a request of it is still being settled, empty for an unknown key. */
    public Optional<Issued> fetch(String keyHash) {
        Optional<Account> account = ledger.account(keyHash);
        if (account.isEmpty()) {
            return Optional.empty();
        }
        Account a = account.get();
        if (a.reservedMsat() > 0) {
            throw new ApiException(425, "invalid_request_error", "refund_pending", "Refund is pending; retry shortly.");
        }
        // the n-th later payout has a fixed id: concurrent calls share one, and a failed one is retried under the next
        String id = "x-cashu-change:later:" + keyHash + ":" + sender.count(keyHash, "change");
        Optional<Issued> paid = sender.payOut(id, "change", keyHash, Optional.empty(), a.refundUnit().orElse("sat"),
                                              a.refundMintUrl().orElseGet(primaryMint));
        return paid.isPresent() ? paid : sender.latest(keyHash, "change");
    }
}
