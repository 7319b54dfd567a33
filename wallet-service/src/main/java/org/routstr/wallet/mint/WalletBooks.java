package org.routstr.wallet.mint;

import java.util.Map;

import javax.sql.DataSource;

import org.routstr.common.db.Db;

/**
 * What the wallet holds: unspent proofs per "mint|unit".
 */
public final class WalletBooks {
    private WalletBooks() {
    }

    public static Map<String, Long> holdings(DataSource ds) {
        return Db.withConnection(ds, ProofRepository::holdings);
    }

    /** The holdings in msat (sat × 1000). */
    public static long totalMsat(Map<String, Long> holdings) {
        return holdings.entrySet().stream().mapToLong(e -> e.getKey().endsWith("|msat") ? e.getValue() : e.getValue() * 1000).sum();
    }
}
