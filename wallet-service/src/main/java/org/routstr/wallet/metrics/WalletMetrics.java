package org.routstr.wallet.metrics;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Timer;
import io.helidon.webclient.spi.WebClientService;

import org.routstr.common.db.Db;
import org.routstr.common.metrics.Meters;
import org.routstr.common.metrics.Sampled;
import org.routstr.wallet.mint.WalletBooks;

/**
 * The wallet's meters: redemptions and payouts by mint and outcome (and their msat), every call to a mint timed, its
 * failures counted; and the books, sampled once a second from the database: proofs held per mint, user balances, the
 * owner's surplus, operations and payouts pending. The mint label is the origin of a trusted mint, {@code foreign} for
 * any other (client-chosen, so unbounded); outcomes are {@code ok}, {@code replay} or the bounded error code.
 */
public final class WalletMetrics {
    private static final Map<List<String>, Counter> COUNTERS = new ConcurrentHashMap<>();
    private static final Map<String, Timer> MINT_LATENCY = new ConcurrentHashMap<>();
    private static final Set<String> HELD_GAUGES = ConcurrentHashMap.newKeySet();
    private static volatile DataSource books;
    private static final Sampled<Books> BOOKS = new Sampled<>(() -> books == null ? Books.EMPTY : read(books), Books.EMPTY, 1000);

    static {
        Meters.gauge("wallet_user_balances_msat", "What the wallet owes users: balances (reserved included) and pending payouts",
                     () -> BOOKS.get().users());
        Meters.gauge("wallet_held_msat", "Unspent proofs the wallet holds, all mints", () -> BOOKS.get().held());
        Meters.gauge("wallet_owner_surplus_msat", "Held minus owed to users: the owner's share (negative is a shortfall)",
                     () -> BOOKS.get().held() - BOOKS.get().users());
        Meters.gauge("wallet_pending_operations", "Mint operations started and not finished", () -> BOOKS.get().operations());
        Meters.gauge("wallet_pending_payouts", "Payouts debited and not yet issued", () -> BOOKS.get().payouts());
    }

    /** The books as of one sample. */
    private record Books(Map<String, Long> perMint, long held, long users, long operations, long payouts) {
        static final Books EMPTY = new Books(Map.of(), 0, 0, 0, 0);
    }

    private WalletMetrics() {
    }

    /** Reads the books from {@code ds} and shows the holdings of each of {@code trusted} (others sum as {@code foreign}). */
    public static void start(DataSource ds, List<String> trusted) {
        books = ds;
        for (String m : trusted) {
            String origin = Meters.origin(m);
            heldGauge(origin);
            for (String kind : List.of("unreachable", "http_5xx")) {
                COUNTERS.computeIfAbsent(List.of("wallet_mint_errors", origin, kind), k -> Meters.counter("wallet_mint_errors",
                        "Mint calls that failed (unreachable or 5xx)", "mint", origin, "kind", kind));
            }
        }
        heldGauge("foreign");
    }

    /** A redemption that ended with {@code outcome}, crediting {@code msat}. */
    public static void redemption(String mint, String outcome, long msat) {
        counter("wallet_redemptions", "Token redemptions by mint and outcome", mint, outcome).increment();
        if (msat > 0) {
            counter("wallet_redeemed_msat", "msat credited by redemptions", mint, "ok").increment(msat);
        }
    }

    /** A payout (refund, withdrawal, owner token) that ended in {@code state}, debiting {@code msat}. */
    public static void payout(String mint, String state, long msat) {
        counter("wallet_payouts", "Payouts by mint and outcome (issued, pending, failed)", mint, state).increment();
        if (msat > 0) {
            counter("wallet_paid_out_msat", "msat debited by payouts", mint, state).increment(msat);
        }
    }

    /** Times every call to the mint at {@code mint} (an origin or {@code foreign}) and counts its failures. */
    public static WebClientService mintCalls(String mint) {
        Timer latency = MINT_LATENCY.computeIfAbsent(mint, m -> Meters.timer("wallet_mint_request", "Calls to a mint", "mint", m));
        return (chain, request) -> {
            long t0 = System.nanoTime();
            try {
                var response = chain.proceed(request);
                latency.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
                if (response.status().code() >= 500) {
                    mintError(mint, "http_5xx");
                }
                return response;
            } catch (RuntimeException e) {
                latency.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
                mintError(mint, "unreachable");
                throw e;
            }
        };
    }

    private static void mintError(String mint, String kind) {
        COUNTERS.computeIfAbsent(List.of("wallet_mint_errors", mint, kind), k -> Meters.counter("wallet_mint_errors",
                "Mint calls that failed (unreachable or 5xx)", "mint", mint, "kind", kind)).increment();
    }

    private static Counter counter(String name, String description, String mint, String outcome) {
        return COUNTERS.computeIfAbsent(List.of(name, mint, outcome),
                                        k -> Meters.counter(name, description, "mint", mint, "outcome", outcome));
    }

    private static void heldGauge(String origin) {
        if (HELD_GAUGES.add(origin)) {
            Meters.gauge("wallet_proofs_held_msat", "Unspent proofs held per mint", () -> BOOKS.get().perMint()
                    .getOrDefault(origin, 0L), "mint", origin);
        }
    }

    private static Books read(DataSource ds) {
        Map<String, Long> perMint = new HashMap<>();
        long held = 0;
        for (Map.Entry<String, Long> e : WalletBooks.holdings(ds).entrySet()) {
            String[] mintUnit = e.getKey().split("\\|", 2);
            long msat = mintUnit[1].equals("msat") ? e.getValue() : e.getValue() * 1000;
            String origin = Meters.origin(mintUnit[0]);
            perMint.merge(HELD_GAUGES.contains(origin) ? origin : "foreign", msat, Long::sum);
            held += msat;
        }
        long[] owed = Db.withConnection(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT (SELECT coalesce(sum(balance_msat), 0) FROM accounts WHERE parent_hash IS NULL)
                         + (SELECT coalesce(sum(debited_msat), 0) FROM wallet_tokens_out
                             WHERE state = 'pending' AND account_hash IS NOT NULL),
                           (SELECT count(*) FROM wallet_operations WHERE state = 'started'),
                           (SELECT count(*) FROM wallet_tokens_out WHERE state = 'pending')""");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
            }
        });
        return new Books(Map.copyOf(perMint), held, owed[0], owed[1], owed[2]);
    }
}
