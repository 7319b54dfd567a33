package org.routstr.wallet.balance;

import java.util.Optional;

import io.helidon.webserver.http.ServerRequest;

import org.routstr.common.http.ApiException;
import org.routstr.common.keys.ApiKeys;
import org.routstr.ledger.Account;
import org.routstr.ledger.Ledger;
import org.routstr.wallet.mint.Receiver;

/**
 * Resolves the caller's key from {@code Authorization: Bearer sk-…|cashu…}; a Cashu bearer is redeemed once and becomes
 * its own key (account hash = sha256 of the token).
 */
public final class Keys {
    private final Ledger ledger;
    private final Receiver receiver;

    public Keys(Ledger ledger, Receiver receiver) {
        this.ledger = ledger;
        this.receiver = receiver;
    }

    /** The caller's credential and account, redeeming a Cashu bearer if needed. */
    public record Caller(String credential, Account account) {
    }

    public Caller require(ServerRequest req) {
        String bearer = Http.bearer(req).orElseThrow(() -> ApiException.unauthorized("invalid_api_key",
                "Invalid authorization. Use 'Bearer <cashu-token>' or 'Bearer <api-key>'"));
        if (bearer.startsWith("cashu")) {
            String hash = Receiver.tokenHash(bearer);
            receiver.receive(bearer, new Receiver.Target("bearer", hash, Optional.empty(), Optional.empty()));
            return new Caller(bearer, ledger.account(hash).orElseThrow());
        }
        return new Caller(bearer, find(bearer).orElseThrow(Keys::invalid));
    }

    /** Looks a credential up without redeeming anything. */
    public Optional<Account> find(String bearer) {
        if (bearer.startsWith("cashu")) {
            return ledger.account(Receiver.tokenHash(bearer));
        }
        if (!ApiKeys.looksLikeKey(bearer)) {
            return Optional.empty();
        }
        return ledger.account(ApiKeys.hash(bearer));
    }

    static ApiException invalid() {
        return ApiException.unauthorized("invalid_api_key",
                "Invalid API key format. Expected an 'sk-...' API key or a 'cashu...' token.");
    }
}
