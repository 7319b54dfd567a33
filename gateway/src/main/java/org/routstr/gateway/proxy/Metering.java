package org.routstr.gateway.proxy;

import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Metrics;

import org.routstr.common.db.DbException;
import org.routstr.common.http.ApiException;
import org.routstr.common.events.UsageEvent;
import org.routstr.gateway.auth.Caller;
import org.routstr.gateway.auth.WalletClient;
import org.routstr.gateway.auth.WalletException;
import org.routstr.gateway.catalog.Route;
import org.routstr.gateway.metrics.GatewayMetrics;
import org.routstr.gateway.pricing.Cost;
import org.routstr.gateway.usage.UsagePublisher;
import org.routstr.ledger.Ledger;

/**
 * The end of a paid request: a usage event for what was served (never above the reservation; billing settles it), or a
 * release plus a {@code failed} event when nothing was; and the X-Cashu change once billing has settled.
 */
final class Metering {
    private static final System.Logger LOG = System.getLogger(Metering.class.getName());
    private static final long[] RELEASE_BACKOFF_MS = {0, 100, 400};
    private final Counter overruns = Metrics.getOrCreate(Counter.builder("routstr_gateway_overrun")
            .description("Served requests whose metered cost exceeded the reservation (charged the reservation)"));
    private final Counter overrunMsat = Metrics.getOrCreate(Counter.builder("routstr_gateway_overrun_msat")
            .description("msat metered above the reservation and not charged"));
    private final Ledger ledger;
    private final UsagePublisher publisher;
    private final Optional<WalletClient> wallet;

    Metering(Ledger ledger, UsagePublisher publisher, Optional<WalletClient> wallet) {
        this.ledger = ledger;
        this.publisher = publisher;
        this.wallet = wallet;
    }

    /** The cost to charge: the metered one, or the reservation when the upstream billed more (counted and logged). */
    Cost charge(PaidRequest p, Route r, Cost metered) {
        long over = metered.totalMsat() - p.reservedMsat();
        if (over <= 0) {
            return metered;
        }
        overruns.increment();
        overrunMsat.increment(over);
        LOG.log(Level.WARNING, "upstream overran the reservation: request_id=" + p.requestId() + " reservation=" + p.reservation()
                               + " provider=" + r.provider().slug() + " model=" + p.model() + " metered_msat=" + metered.totalMsat()
                               + " reserved_msat=" + p.reservedMsat() + "; charging the reservation");
        return metered.cappedAt(p.reservedMsat());
    }

    void served(PaidRequest p, Route r, int status, Cost cost) {
        GatewayMetrics.request(p.endpoint(), p.model(), r.provider().slug(), status);
        GatewayMetrics.charged(p.model(), cost.totalMsat());
        publisher.publish(new UsageEvent(UsageEvent.SCHEMA, p.reservation().toString(), p.caller().billingHash(), p.caller().keyHash(),
                                         p.model(), r.provider().slug(), p.endpoint(), status, p.reservedMsat(), cost.totalMsat(),
                                         cost.usage().input(), cost.usage().output(), cost.usage().cached(),
                                         cost.usage().cacheWrite(), cost.pricing(), Instant.now()));
    }

    /**
     * Releases the reservation of a request that served nothing (retried through a database blip) and always publishes the
     * {@code failed} event: if the release never got through, billing releases the reservation from that event instead of
     * charging it as an orphan.
     */
    void nothingServed(PaidRequest p, int status) {
        GatewayMetrics.request(p.endpoint(), p.model(), "", status);
        try {
            release(p);
        } finally {
            publisher.publish(new UsageEvent(UsageEvent.SCHEMA, p.reservation().toString(), p.caller().billingHash(),
                                             p.caller().keyHash(), p.model(), "", p.endpoint(), status, p.reservedMsat(), 0, 0, 0,
                                             0, 0, "failed", Instant.now()));
        }
    }

    private void release(PaidRequest p) {
        for (int i = 0; i < RELEASE_BACKOFF_MS.length; i++) {
            try {
                Thread.sleep(RELEASE_BACKOFF_MS[i]);
                ledger.release(p.reservation());
                return;
            } catch (DbException e) {
                LOG.log(Level.WARNING, "release of reservation " + p.reservation() + " failed (attempt " + (i + 1) + "): "
                                       + e.getMessage() + (i + 1 == RELEASE_BACKOFF_MS.length ? "; billing releases it from the failed event" : ""));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * The X-Cashu token's money after {@code reservation} as a fresh token: the change of a served request (the wallet waits
     * for billing's settlement, within its limit) or the whole value of one never served (once released). Never fails:
     * when the wallet cannot pay now, the response still goes out and the money stays on the token's key, fetchable with
     * the original token from {@code /v1/balance/refund}.
     */
    Optional<String> change(Caller caller, UUID reservation) {
        if (caller.xCashuToken().isEmpty() || wallet.isEmpty()) {
            return Optional.empty();
        }
        try {
            return wallet.get().change(caller.keyHash(), reservation.toString());
        } catch (ApiException | WalletException e) {
            LOG.log(Level.WARNING, "x-cashu change for reservation " + reservation + " not issued now (" + e.getMessage()
                                   + "); fetchable with the original token from /v1/balance/refund");
            return Optional.empty();
        }
    }

    /**
     * What the paying account has once {@code p} settles at {@code cost}: available now (read as the response goes out,
     * so what changed the account meanwhile counts) plus this reservation minus the cost. The account's other requests
     * still held count at their reservation, so the figure never overstates what the account ends with.
     */
    long remainingAfter(PaidRequest p, Cost cost) {
        return Math.max(0, ledger.available(p.caller().billingHash()) + p.reservedMsat() - cost.totalMsat());
    }
}
