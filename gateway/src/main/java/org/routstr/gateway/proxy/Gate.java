package org.routstr.gateway.proxy;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.helidon.http.HeaderName;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import org.routstr.common.http.ApiException;
import org.routstr.common.http.ErrorHandlers;
import org.routstr.gateway.auth.Authenticator;
import org.routstr.gateway.auth.Caller;
import org.routstr.gateway.auth.WalletClient;
import org.routstr.gateway.catalog.Catalog;
import org.routstr.gateway.catalog.Route;
import org.routstr.gateway.limits.RateLimiter;
import org.routstr.gateway.pricing.Cost;
import org.routstr.gateway.usage.InFlight;
import org.routstr.gateway.usage.UsagePublisher;
import org.routstr.ledger.Ledger;

/**
 * The paid-request steps for endpoints of other API shapes (the Anthropic Messages API): authenticate (rate limits
 * included; X-Cashu only after the request is priced, as {@link ProxyHttpService} does), find the routes, reserve the
 * worst case ({@link Reservations}, shared with the chat endpoints), give an unserved X-Cashu request its money back, and
 * meter, with the same rate limiters and in-flight set.
 */
public final class Gate {
    /** The X-Cashu header. */
    public static final HeaderName X_CASHU = Responder.X_CASHU;
    private final Authenticator auth;
    private final Catalog catalog;
    private final Metering metering;
    private final InFlight inFlight;
    private final RateLimiter perKey;
    private final RateLimiter perIp;
    private final Reservations reservations;
    private final XCashu xCashu;

    public Gate(Authenticator auth, Catalog catalog, Ledger ledger, UsagePublisher publisher, Optional<WalletClient> wallet,
                InFlight inFlight, RateLimiter perKey, RateLimiter perIp) {
        this.auth = auth;
        this.catalog = catalog;
        this.metering = new Metering(ledger, publisher, wallet);
        this.inFlight = inFlight;
        this.perKey = perKey;
        this.perIp = perIp;
        this.reservations = new Reservations(ledger, auth);
        this.xCashu = new XCashu(auth, metering);
    }

    /**
     * Who pays with a key: {@code authorization} is the bearer header (or what an API's own key header amounts to). Empty
     * for an X-Cashu request, whose token is redeemed only once the request is validated and priced ({@link #byToken}).
     */
    public Optional<Caller> byKey(ServerRequest req, String requestId, Optional<String> authorization) {
        perIp.check(req.remotePeer().host());
        if (XCashu.token(req).isPresent()) {
            return Optional.empty();
        }
        Caller caller = auth.authenticate(authorization, Optional.empty(), requestId);
        perKey.check(caller.keyHash());
        return Optional.of(caller);
    }

    /** Redeems the X-Cashu token once its face value covers {@code estimate} (402 otherwise, the token untouched). */
    public Caller byToken(ServerRequest req, String requestId, long estimate, String model) {
        Caller caller = xCashu.redeem(XCashu.token(req).orElseThrow(), requestId, estimate, model);
        perKey.check(caller.keyHash());
        return caller;
    }

    /** The routes of a model, best first; 400 {@code model_not_found} when none. */
    public List<Route> routes(String model) {
        List<Route> routes = catalog.routes(model);
        if (routes.isEmpty()) {
            String shown = model.length() > 100 ? model.substring(0, 100) + "…" : model;
            throw new ApiException(400, "invalid_model", "model_not_found", "Model '" + shown + "' not found");
        }
        return routes;
    }

    /** Reserves {@code estimate} msat for a new request, or throws the 401/402/403 the chat endpoints throw. */
    public PaidRequest reserve(String requestId, Caller caller, long estimate, String model, String endpoint, boolean stream,
                               List<Route> routes) {
        return reservations.reserve(new PaidRequest(requestId, caller, PaidRequest.reservationOf(requestId), estimate, model, endpoint, stream, 0,
                                                    routes));
    }

    /** Runs {@code work}; an X-Cashu request that fails before anything is sent gets its whole value back in X-Cashu. */
    public void refundUnlessServed(ServerRequest req, ServerResponse res, Caller caller, Runnable work) {
        try {
            work.run();
        } catch (ApiException e) {
            if (res.isSent() || caller.xCashuToken().isEmpty()) {
                throw e;
            }
            metering.change(caller, UUID.randomUUID()).ifPresent(t -> res.header(X_CASHU, t));
            ErrorHandlers.send(req, res, e);
        }
    }

    /** Marks the reservation in flight (heartbeats) until {@link #done}. */
    public void start(PaidRequest p) {
        inFlight.add(p.reservation(), p.reservedMsat());
    }

    /** Ends a request: stops heartbeats; when nothing was metered (an exception), releases it as a 500. */
    public void done(PaidRequest p, boolean metered) {
        inFlight.remove(p.reservation());
        if (!metered) {
            metering.nothingServed(p, 500);
        }
    }

    /** What to charge for {@code metered}: never above the reservation (an overrun is counted and logged). */
    public Cost charge(PaidRequest p, Route r, Cost metered) {
        return metering.charge(p, r, metered);
    }

    /** Records a served request (billing settles {@code cost}). */
    public void served(PaidRequest p, Route r, int status, Cost cost) {
        metering.served(p, r, status, cost);
    }

    /** Releases an unserved request. */
    public void nothingServed(PaidRequest p, int status) {
        metering.nothingServed(p, status);
    }

    /** The X-Cashu change of a served request, once billing settled it. */
    public Optional<String> change(PaidRequest p) {
        return metering.change(p.caller(), p.reservation());
    }

    /** What the paying account has once {@code p} settles at {@code cost}. */
    public long remainingAfter(PaidRequest p, Cost cost) {
        return metering.remainingAfter(p, cost);
    }

    /** Sets the {@code X-Routstr-Cost-*} headers. */
    public static void costHeaders(ServerResponse res, Cost cost) {
        res.header(Responder.COST, String.valueOf(cost.totalMsat()));
        res.header(Responder.INPUT_COST, String.valueOf(cost.inputMsat() + cost.cacheReadMsat() + cost.cacheWriteMsat()));
        res.header(Responder.OUTPUT_COST, String.valueOf(cost.outputMsat()));
        if (cost.totalUsd().signum() > 0) {
            res.header(Responder.COST_USD, cost.totalUsd().toPlainString());
        }
    }
}
