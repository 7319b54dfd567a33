package org.routstr.gateway.proxy;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.routstr.common.events.UsageEvent;
import org.routstr.gateway.auth.Caller;
import org.routstr.gateway.auth.WalletClient;
import org.routstr.gateway.catalog.Route;
import org.routstr.gateway.pricing.Cost;
import org.routstr.gateway.usage.UsagePublisher;
import org.routstr.ledger.Account;
import org.routstr.ledger.Ledger;

/**
 * The end of a paid request: a usage event for what was served (billing settles it), or a release plus a {@code failed}
 * event when nothing was; and the X-Cashu change once billing has settled.
 */
public final class Metering {
    private final Ledger ledger;
    private final UsagePublisher publisher;
    private final Optional<WalletClient> wallet;

    Metering(Ledger ledger, UsagePublisher publisher, Optional<WalletClient> wallet) {
        this.ledger = ledger;
        this.publisher = publisher;
        this.wallet = wallet;
    }

    public void served(PaidRequest p, Route r, int status, Cost cost) {
        publisher.publish(new UsageEvent(UsageEvent.SCHEMA, p.reservation().toString(), p.caller().billingHash(), p.caller().keyHash(),
                                         p.model(), r.provider().slug(), p.endpoint(), status, p.reservedMsat(), cost.totalMsat(),
                                         cost.usage().input(), cost.usage().output(), cost.usage().cached(),
                                         cost.usage().cacheWrite(), cost.pricing(), Instant.now()));
    }

    public void nothingServed(PaidRequest p, int status) {
        ledger.release(p.reservation());
        publisher.publish(new UsageEvent(UsageEvent.SCHEMA, p.reservation().toString(), p.caller().billingHash(), p.caller().keyHash(),
                                         p.model(), "", p.endpoint(), status, p.reservedMsat(), 0, 0, 0, 0, 0, "failed", Instant.now()));
    }

    /**
     * Everything left on an X-Cashu token's account as a fresh token, for a request that was never served (no reservation
     * is held for it, so the wallet pays out at once). Empty when the wallet has nothing or cannot answer: the money then
     * stays on the token's key and the original token still works as a bearer key.
     */
    public Optional<String> refund(Caller caller) {
        if (caller.xCashuToken().isEmpty() || wallet.isEmpty()) {
            return Optional.empty();
        }
        try {
            return wallet.get().change(caller.keyHash(), UUID.randomUUID().toString());
        } catch (RuntimeException e) {
            // the client still gets its original error; the refund stays claimable
            return Optional.empty();
        }
    }

    /** The change token of an X-Cashu request (waits for billing's settlement, within the wallet's limit). */
    public Optional<String> change(PaidRequest p) {
        if (p.caller().xCashuToken().isEmpty() || wallet.isEmpty()) {
            return Optional.empty();
        }
        return wallet.get().change(p.caller().keyHash(), p.reservation().toString());
    }

    /** What the paying account has once {@code p} settles at {@code cost}: available now plus this reservation minus the cost. */
    public long remainingAfter(PaidRequest p, Cost cost) {
        long available = ledger.account(p.caller().billingHash()).map(Account::availableMsat).orElse(0L);
        return Math.max(0, available + p.reservedMsat() - cost.totalMsat());
    }
}
