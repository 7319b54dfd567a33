package org.routstr.wallet.balance;

import java.util.Optional;

import io.helidon.webserver.http.ServerRequest;

import org.routstr.common.http.ApiException;
import org.routstr.common.keys.ApiKeys;
import org.routstr.ledger.Account;
import org.routstr.ledger.Ledger;
import org.routstr.wallet.mint.Receiver;

/**
 * Resolves the caller's key from {@code Authorization: Bearer sk-…|cashu…}. A Cashu bearer is redeemed once and becomes
 * an {@code sk-} key, as in the reference: the key is kept encrypted under the token (never stored usable), so whoever
 * holds the token gets the same key back. Tokens redeemed before keys were made this way pay their own account
 * (account hash = sha256 of the token) and their credential stays the token.
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
            Receiver.Received r = receiver.receive(bearer, bearerTarget());
            return new Caller(r.apiKey().orElse(bearer), ledger.account(r.accountHash()).orElseThrow());
        }
        return new Caller(bearer, find(bearer).orElseThrow(Keys::invalid));
    }

    /** Looks a credential up without redeeming anything. */
    public Optional<Account> find(String bearer) {
        if (bearer.startsWith("cashu")) {
            return ledger.account(receiver.accountOf(bearer).orElseGet(() -> Receiver.tokenHash(bearer)));
        }
        if (!ApiKeys.looksLikeKey(bearer)) {
            return Optional.empty();
        }
        return ledger.account(ApiKeys.hash(bearer));
    }

    /** A Cashu bearer's redemption: into a new key's account, the key wrapped under the token (a replay keeps the first). */
    public static Receiver.Target bearerTarget() {
        String key = ApiKeys.newKey();
        return new Receiver.Target("bearer", ApiKeys.hash(key), Optional.empty(), Optional.of(key));
    }

    static ApiException invalid() {
        return ApiException.unauthorized("invalid_api_key",
                "Invalid API key format. Expected an 'sk-...' API key or a 'cashu...' token.");
    }
}
