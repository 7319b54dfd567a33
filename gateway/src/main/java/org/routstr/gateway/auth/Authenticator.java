package org.routstr.gateway.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.routstr.common.events.ControlEvent;
import org.routstr.common.http.ApiException;
import org.routstr.common.keys.ApiKeys;
import org.routstr.ledger.Account;
import org.routstr.ledger.Ledger;

/**
 * Resolves the caller of a request: {@code Bearer sk-…} by key hash through a short-lived cache (dropped on
 * {@code key.revoked}/{@code key.changed}), {@code Bearer cashu…} and {@code X-Cashu} through wallet-service. The reserve
 * in SQL re-checks status and expiry, so the cache only saves the lookup.
 */
public final class Authenticator {
    private final Ledger ledger;
    private final Optional<WalletClient> wallet;
    private final long ttlNanos;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public Authenticator(Ledger ledger, Optional<WalletClient> wallet, Duration ttl) {
        this.ledger = ledger;
        this.wallet = wallet;
        this.ttlNanos = ttl.toNanos();
    }

    /** The caller, from the Authorization and X-Cashu header values. */
    public Caller authenticate(Optional<String> authorization, Optional<String> xCashu, String requestId) {
        if (xCashu.isPresent() && !xCashu.get().isBlank()) {
            String token = xCashu.get().trim();
            String hash = walletOrFail().redeemXCashu(token, requestId);
            return new Caller(hash, account(hash).billingHash(), Optional.of(token));
        }
        String bearer = ApiKeys.bearer(authorization).orElse("");
        if (bearer.isEmpty()) {
            throw ApiException.unauthorized("missing_api_key", "API key or Cashu token required");
        }
        if (bearer.startsWith("cashu")) {
            // the token's account is the sk- key the wallet made of it; cached under the token's hash
            String tokenHash = ApiKeys.hash(bearer);
            Cached c = cache.get(tokenHash);
            if (c != null && c.fresh(ttlNanos)) {
                return new Caller(c.keyHash, c.billingHash, Optional.empty());
            }
            String hash = walletOrFail().redeem(bearer, requestId);
            Account a = account(hash);
            cache.put(tokenHash, new Cached(hash, a.billingHash(), System.nanoTime()));
            return new Caller(hash, a.billingHash(), Optional.empty());
        }
        if (!bearer.startsWith("sk-")) {
            throw invalidKey();
        }
        String hash = ApiKeys.hash(bearer);
        Cached c = cache.get(hash);
        if (c != null && c.fresh(ttlNanos)) {
            return new Caller(c.keyHash, c.billingHash, Optional.empty());
        }
        return new Caller(hash, account(hash).billingHash(), Optional.empty());
    }

    /** Drops cached entries on key control events. */
    public void onControl(ControlEvent e) {
        if ("key.revoked".equals(e.type()) || "key.changed".equals(e.type())) {
            forget(e.entity());
        }
    }

    /** Forgets a key (for example after the reserve reported it unknown or revoked). */
    public void forget(String keyHash) {
        cache.remove(keyHash);
        cache.values().removeIf(c -> c.keyHash.equals(keyHash));
    }

    private Account account(String hash) {
        Account a = ledger.account(hash).orElseThrow(() -> ApiException.unauthorized("invalid_api_key", "Invalid API key."));
        if ("revoked".equals(a.status())) {
            throw ApiException.unauthorized("invalid_api_key", "API key has been revoked.");
        }
        boolean expired = "expired".equals(a.status()) || a.validUntil().map(v -> v.isBefore(Instant.now())).orElse(false)
                          || a.expiresAt().map(v -> v.isBefore(Instant.now())).orElse(false);
        if (expired) {
            throw expired();
        }
        cache.put(hash, new Cached(hash, a.billingHash(), System.nanoTime()));
        return a;
    }

    private WalletClient walletOrFail() {
        return wallet.orElseThrow(() -> ApiException.unavailable("wallet_unavailable", "Cashu payments are not enabled on this node."));
    }

    static ApiException invalidKey() {
        return ApiException.unauthorized("invalid_api_key", "Invalid API key format. Expected an 'sk-...' API key or a 'cashu...' token.");
    }

    static ApiException expired() {
        return new ApiException(403, "invalid_request_error", "key_expired", "API key has expired (validity date reached).");
    }

    private record Cached(String keyHash, String billingHash, long at) {
        boolean fresh(long ttl) {
            return System.nanoTime() - at < ttl;
        }
    }
}
