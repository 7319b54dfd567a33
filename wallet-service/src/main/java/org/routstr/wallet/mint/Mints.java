package org.routstr.wallet.mint;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.routstr.crypto.cashu.client.CashuWallet;
import org.routstr.crypto.cashu.client.MintClient;
import org.routstr.crypto.cashu.nut02.KeysetInfo;
import org.routstr.wallet.WalletSettings;

/**
 * The mints this node talks to: the trusted ones (the first is primary) and, for foreign-mint swaps, any other;
 * one {@link CashuWallet} per URL (keyset keys cached), and the NUT-13 seed all outputs derive from.
 */
public final class Mints {
    private final WalletSettings settings;
    private final byte[] seed;
    private final Map<String, CashuWallet> wallets = new ConcurrentHashMap<>();

    public Mints(WalletSettings settings, byte[] seed) {
        this.settings = settings;
        this.seed = seed.clone();
    }

    /** The wallet of a mint URL. */
    public CashuWallet wallet(String url) {
        return wallets.computeIfAbsent(url, u -> new CashuWallet(MintClient.builder(u)
                .connectTimeout(Duration.ofSeconds(3))
                .readTimeout(settings.mintTimeout())
                .maxAttempts(2)
                .build()));
    }

    public String primary() {
        return settings.primaryMint();
    }

    public List<String> trusted() {
        return settings.trustedMints();
    }

    public boolean isTrusted(String url) {
        return settings.trustedMints().contains(url);
    }

    public boolean foreignAllowed() {
        return settings.foreignMints();
    }

    byte[] seed() {
        return seed;
    }

    /** How long the replica that starts a mint operation owns it before recovery may take over. */
    Duration lease() {
        return settings.mintTimeout().multipliedBy(2).plusSeconds(5);
    }

    /** input_fee_ppk per keyset id of a mint (one {@code GET /v1/keysets}). */
    Map<String, Long> feesPpk(String url) {
        Map<String, Long> m = new java.util.HashMap<>();
        for (KeysetInfo k : wallet(url).client().keysets().keysets()) {
            m.put(k.id(), k.inputFeePpk());
        }
        return m;
    }
}
