package org.routstr.wallet.mint;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.routstr.common.metrics.Meters;
import org.routstr.crypto.cashu.CashuException;
import org.routstr.crypto.cashu.client.CashuWallet;
import org.routstr.crypto.cashu.client.MintClient;
import org.routstr.crypto.cashu.nut00.Proof;
import org.routstr.crypto.cashu.nut01.MintKeyset;
import org.routstr.crypto.cashu.nut02.Fees;
import org.routstr.crypto.cashu.nut02.KeysetInfo;
import org.routstr.wallet.WalletSettings;
import org.routstr.wallet.metrics.WalletMetrics;

/**
 * The mints this node talks to: the trusted ones (the first is primary) and, for foreign-mint swaps, any other;
 * one {@link CashuWallet} per URL (keys cached; keyset list and fees cached for a minute), and the NUT-13 seed all outputs derive from.
 * A URL that is not trusted is a stranger's choice: it passes the {@link OutboundGuard} first, and its wallet and keysets sit
 * in caches bounded to {@link #FOREIGN_CACHE} URLs (least recently used dropped).
 */
public final class Mints {
    private final WalletSettings settings;
    private final Supplier<List<String>> live;
    private final byte[] seed;
    private static final long KEYSET_TTL_MILLIS = 60_000;

    static final int FOREIGN_CACHE = 64;

    private final Map<String, CashuWallet> wallets = new ConcurrentHashMap<>();
    private final Map<String, CashuWallet> foreign = lru();
    private final Map<String, Cached> keysets = lru();
    private final OutboundGuard guard;

    public Mints(WalletSettings settings, byte[] seed) {
        this(settings, List::of, seed);
    }

    /** {@code live} gives the operator's current trusted mints (the live settings); empty falls back to the configuration. */
    public Mints(WalletSettings settings, Supplier<List<String>> live, byte[] seed) {
        this.settings = settings;
        this.live = live;
        this.seed = seed.clone();
        this.guard = new OutboundGuard(settings.allowedHosts());
    }

    /** The wallet of a mint URL; an untrusted URL must pass the guard ({@link OutboundGuard.Refused} otherwise). */
    public CashuWallet wallet(String url) {
        if (isTrusted(url)) {
            return wallets.computeIfAbsent(url, u -> new CashuWallet(client(u).build()));
        }
        synchronized (foreign) {
            CashuWallet w = foreign.get(url);
            if (w != null) {
                return w;
            }
        }
        guard.check(url);
        CashuWallet w = new CashuWallet(client(url).dnsResolver(guard).build());
        synchronized (foreign) {
            foreign.put(url, w);
        }
        return w;
    }

    /** The guard of client-chosen destinations (also used for LNURL). */
    public OutboundGuard guard() {
        return guard;
    }

    /** How many untrusted mints are cached (bounded by {@link #FOREIGN_CACHE}). */
    int foreignCached() {
        synchronized (foreign) {
            return foreign.size();
        }
    }

    private MintClient.Builder client(String url) {
        return MintClient.builder(url).connectTimeout(Duration.ofSeconds(3)).readTimeout(settings.mintTimeout()).maxAttempts(2)
                .service(WalletMetrics.mintCalls(label(url)));
    }

    private static <V> Map<String, V> lru() {
        return java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > FOREIGN_CACHE + 8;
            }
        });
    }

    /** The metrics label of a mint: its origin when trusted, else {@code foreign} (client-chosen URLs are unbounded). */
    public String label(String url) {
        return isTrusted(url) ? Meters.origin(url) : "foreign";
    }

    public String primary() {
        return trusted().getFirst();
    }

    /** The trusted mints now, the first is primary. */
    public List<String> trusted() {
        List<String> now = live.get();
        return now.isEmpty() ? settings.trustedMints() : now;
    }

    public boolean isTrusted(String url) {
        return trusted().contains(url);
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

    /** input_fee_ppk per keyset id of a mint, from {@code GET /v1/keysets} cached for a minute. */
    Map<String, Long> feesPpk(String url) {
        Map<String, Long> m = new java.util.HashMap<>();
        for (KeysetInfo k : keysets(url)) {
            m.put(k.id(), k.inputFeePpk());
        }
        return m;
    }

    /** The active keyset (with keys) of a unit. */
    MintKeyset activeKeyset(String url, String unit) {
        return keysets(url).stream().filter(k -> k.active() && k.unit().equals(unit)).findFirst()
                .map(k -> wallet(url).keyset(k.id()))
                .orElseThrow(() -> new CashuException("mint has no active keyset for unit " + unit));
    }

    /** NUT-02 input fee of spending proofs at a mint; unknown keysets are invalid proofs. */
    long inputFee(String url, List<Proof> proofs) {
        Map<String, Long> fees = feesPpk(url);
        return Fees.inputFee(proofs, id -> {
            Long fee = fees.get(id);
            if (fee == null) {
                throw new CashuException("proof of unknown keyset " + id);
            }
            return fee;
        });
    }

    private List<KeysetInfo> keysets(String url) {
        Cached c = keysets.get(url);
        if (c == null || c.at() < System.currentTimeMillis() - KEYSET_TTL_MILLIS) {
            c = new Cached(wallet(url).client().keysets().keysets(), System.currentTimeMillis());
            keysets.put(url, c);
        }
        return c.keysets();
    }

    private record Cached(List<KeysetInfo> keysets, long at) {
    }
}
