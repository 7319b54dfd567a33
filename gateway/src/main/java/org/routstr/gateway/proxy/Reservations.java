package org.routstr.gateway.proxy;

import java.math.BigDecimal;

import org.routstr.common.http.ApiException;
import org.routstr.common.json.Json;
import org.routstr.gateway.auth.Authenticator;
import org.routstr.ledger.Ledger;
import org.routstr.ledger.Reserved;

/**
 * Reserves a paid request's worst case in one SQL round trip (which also tells a 402 what the paying account has), or throws the 401/402/403 every paid endpoint answers, in
 * the reference's words ("Insufficient balance: 1.5 sats (1500 msats) required for this model; …").
 */
final class Reservations {
    private final Ledger ledger;
    private final Authenticator auth;

    Reservations(Ledger ledger, Authenticator auth) {
        this.ledger = ledger;
        this.auth = auth;
    }

    PaidRequest reserve(PaidRequest p) {
        String key = p.caller().keyHash();
        long need = p.reservedMsat();
        Reserved r = ledger.reserveSeeing(p.reservation(), key, need);
        switch (r.outcome()) {
            case OK, DUPLICATE -> {
                return p;
            }
            case UNKNOWN_KEY, REVOKED -> {
                auth.forget(key);
                throw ApiException.unauthorized("invalid_api_key", "Invalid API key.");
            }
            case EXPIRED -> {
                auth.forget(key);
                throw new ApiException(403, "invalid_request_error", "key_expired", "API key has expired (validity date reached).");
            }
            case OVER_LIMIT -> throw ApiException.paymentRequired("balance_limit_exceeded",
                    "Balance limit exceeded: " + need + " mSats required for this request.",
                    Json.object().put("reason", "Balance limit exceeded").put("amount_required_msat", need)
                            .put("model", p.model()).put("type", "balance_limit_exceeded"));
            case INSUFFICIENT -> {
                long available = r.availableMsat();
                throw ApiException.paymentRequired("insufficient_balance", insufficient(need, available),
                        Json.object().put("reason", "Insufficient balance").put("amount_required_msat", need)
                                .put("available_msat", available).put("model", p.model()).put("type", "insufficient_balance"));
            }
            default -> throw new IllegalStateException("unexpected reserve outcome");
        }
    }

    /** The reference's 402 message. */
    static String insufficient(long needMsat, long availableMsat) {
        return "Insufficient balance: " + sats(needMsat) + " sats (" + needMsat + " msats) required for this model; "
               + sats(availableMsat) + " sats (" + availableMsat + " msats) available.";
    }

    /** msat as the reference prints sats (Python's {@code msats / 1000}: {@code 1.5}, {@code 2.0}, {@code 0.001}). */
    static String sats(long msat) {
        BigDecimal s = BigDecimal.valueOf(msat, 3).stripTrailingZeros();
        return s.scale() <= 0 ? s.toBigInteger() + ".0" : s.toPlainString();
    }
}
