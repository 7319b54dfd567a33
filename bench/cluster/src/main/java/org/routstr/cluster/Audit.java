package org.routstr.cluster;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.routstr.crypto.cashu.client.CashuWallet;
import org.routstr.crypto.cashu.client.MintClient;
import org.routstr.crypto.cashu.nut00.Proof;
import org.routstr.crypto.cashu.nut00.TokenCodec;
import org.routstr.crypto.cashu.nut07.ProofStateValue;

/**
 * The settled figures of a chaos run, from PostgreSQL, the mint (NUT-07) and the client's own records; {@link #problems}
 * lists every broken money rule (empty: the run is clean).
 */
final class Audit {
    final Map<String, Long> figures = new LinkedHashMap<>();
    final List<String> problems = new ArrayList<>();

    static Audit of(Cluster cluster, Chaos chaos, List<Faults.Window> downs, long graceMs) throws SQLException {
        Audit a = new Audit();
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(), "postgres", "")) {
            // a payout that failed after its debit is given back as a deposit 'out-revert:…': a reversal, not money in
            long reverts = one(c, "SELECT coalesce(sum(amount_msat), 0) FROM ledger WHERE kind = 'deposit' AND idem_key LIKE 'out-revert:%'");
            long deposits = one(c, "SELECT coalesce(sum(amount_msat), 0) FROM ledger WHERE kind = 'deposit'") - reverts;
            long charges = -one(c, "SELECT coalesce(sum(amount_msat), 0) FROM ledger WHERE kind = 'charge'");
            long refunds = -one(c, "SELECT coalesce(sum(amount_msat), 0) FROM ledger WHERE kind = 'refund'") - reverts;
            long withdrawals = -one(c, "SELECT coalesce(sum(amount_msat), 0) FROM ledger WHERE kind = 'withdrawal'");
            long adjustments = one(c, "SELECT coalesce(sum(amount_msat), 0) FROM ledger WHERE kind = 'adjustment'");
            long balances = one(c, "SELECT coalesce(sum(balance_msat), 0) FROM accounts WHERE parent_hash IS NULL");
            a.put("deposits_msat", deposits).put("balances_msat", balances).put("charges_msat", charges)
                    .put("refunds_msat", refunds).put("withdrawals_msat", withdrawals).put("adjustments_msat", adjustments)
                    .put("failed_payouts_given_back_msat", reverts);
            if (deposits + adjustments != balances + charges + refunds + withdrawals) {
                a.problems.add("deposits + adjustments != balances + charges + refunds + withdrawals: " + (deposits + adjustments)
                               + " vs " + (balances + charges + refunds + withdrawals));
            }
            // what the client handed over and the mint says was taken, plus Lightning paid, is what was credited
            long taken = takenAtMint(cluster, chaos);
            long lightning = one(c, "SELECT coalesce(sum(amount_sats), 0) * 1000 FROM lightning_invoices WHERE status = 'paid'");
            a.put("tokens_taken_at_mint_msat", taken).put("lightning_paid_msat", lightning);
            if (taken + lightning != deposits) {
                a.problems.add("tokens taken at the mint + Lightning paid != ledger deposits: " + (taken + lightning) + " vs " + deposits);
            }
            long issuedDebits = one(c, "SELECT coalesce(sum(debited_msat), 0) FROM wallet_tokens_out WHERE state = 'issued'");
            a.put("payouts_issued_debited_msat", issuedDebits);
            if (issuedDebits != refunds + withdrawals) {
                a.problems.add("issued payouts' debits != net refunds + withdrawals: " + issuedDebits + " vs " + (refunds + withdrawals));
            }
            java.util.Set<String> issued = new java.util.HashSet<>();
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT token FROM wallet_tokens_out WHERE state = 'issued' AND token IS NOT NULL")) {
                while (rs.next()) {
                    issued.add(rs.getString(1));
                }
            }
            java.util.Set<String> got = new java.util.HashSet<>(chaos.received);
            long back = got.stream().mapToLong(Chaos::msat).sum();
            long stray = got.stream().filter(t -> !issued.contains(t)).count();
            a.put("payout_tokens_received_msat", back).put("payout_tokens_received_not_issued", stray);
            if (stray != 0) {
                a.problems.add(stray + " payout tokens reached the client without an issued payout (paid twice?)");
            }
            long held = heldAtMint(cluster, c);
            a.put("node_proofs_unspent_at_mint_msat", held);
            if (held < balances) {
                a.problems.add("proofs held at the mint < balances: " + held + " < " + balances);
            }
            long active = one(c, "SELECT count(*) FROM reservations WHERE status = 'active'");
            a.put("active_reservations", active);
            if (active != 0) {
                a.problems.add(active + " reservations still active");
            }
            long twice = one(c, "SELECT count(*) FROM (SELECT reservation_id FROM ledger WHERE kind = 'charge' "
                                + "AND reservation_id IS NOT NULL GROUP BY reservation_id HAVING count(*) > 1) d");
            long idemDup = one(c, "SELECT count(*) - count(DISTINCT idem_key) FROM ledger");
            a.put("reservations_charged_twice", twice).put("duplicate_ledger_keys", idemDup);
            if (twice != 0 || idemDup != 0) {
                a.problems.add("charged twice: " + twice + " reservations, " + idemDup + " duplicate keys");
            }
            a.put("orphans_swept", one(c, "SELECT count(*) FROM billing_orphans"))
                    .put("orphans_charged_msat", one(c, "SELECT coalesce(sum(charged_msat), 0) FROM billing_orphans"))
                    .put("orphans_reconciled", one(c, "SELECT count(*) FROM billing_orphans WHERE reconciled_cost IS NOT NULL"))
                    .put("orphans_real_cost_msat", one(c, "SELECT coalesce(sum(reconciled_cost), 0) FROM billing_orphans"))
                    .put("typical_chat_charge_msat", one(c, "SELECT coalesce(percentile_disc(0.5) WITHIN GROUP (ORDER BY -amount_msat), 0) "
                                                           + "FROM ledger WHERE kind = 'charge' AND amount_msat < 0"));
            // every chat of the run is the same request, so an orphan's real cost is the typical chat's
            a.put("orphans_estimated_real_cost_msat", a.figures.get("orphans_swept") * a.figures.get("typical_chat_charge_msat"));
        }
        long outside = 0;
        for (Chaos.FiveXx f : chaos.fiveXx) {
            boolean during = downs.stream().anyMatch(w -> f.atMs() >= w.fromMs() && f.atMs() <= w.toMs() + graceMs);
            if (!during) {
                outside++;
                if (outside <= 5) {
                    a.problems.add("a " + f.status() + " outside every fault window: " + f.op() + " " + f.body());
                }
            }
        }
        a.put("responses_5xx", chaos.fiveXx.size()).put("responses_5xx_outside_faults", outside);
        long charged = chargedFiveXx(cluster, chaos);
        a.put("responses_5xx_charged", charged);
        if (charged != 0) {
            a.problems.add(charged + " requests answered with a 5xx were charged");
        }
        return a;
    }

    private Audit put(String k, long v) {
        figures.put(k, v);
        return this;
    }

    private static long takenAtMint(Cluster cluster, Chaos chaos) {
        CashuWallet w = new CashuWallet(MintClient.create(cluster.mint().url()));
        long sum = 0;
        List<String> all = new ArrayList<>(chaos.given);
        for (String t : all) {
            List<Proof> proofs = TokenCodec.decode(t).proofs();
            var states = w.checkState(proofs);
            for (int i = 0; i < proofs.size(); i++) {
                if (states.get(i).state() == ProofStateValue.SPENT) {
                    sum += proofs.get(i).amount() * 1000;
                }
            }
        }
        return sum;
    }

    private static long heldAtMint(Cluster cluster, Connection c) throws SQLException {
        List<Proof> proofs = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT amount, keyset_id, secret, c FROM wallet_proofs WHERE state = 'unspent' AND unit = 'sat'")) {
            while (rs.next()) {
                proofs.add(new Proof(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), null, null));
            }
        }
        CashuWallet w = new CashuWallet(MintClient.create(cluster.mint().url()));
        long sum = 0;
        for (int from = 0; from < proofs.size(); from += 500) {
            List<Proof> part = proofs.subList(from, Math.min(proofs.size(), from + 500));
            var states = w.checkState(part);
            for (int i = 0; i < part.size(); i++) {
                if (states.get(i).state() == ProofStateValue.UNSPENT) {
                    sum += part.get(i).amount() * 1000;
                }
            }
        }
        return sum;
    }

    /** How many requests answered 5xx were charged: a response's request id is its reservation's id. */
    private static long chargedFiveXx(Cluster cluster, Chaos chaos) throws SQLException {
        List<String> ids = new ArrayList<>();
        for (Chaos.FiveXx f : chaos.fiveXx) {
            if (f.requestId().length() == 36) {
                ids.add(f.requestId());
            }
        }
        if (ids.isEmpty()) {
            return 0;
        }
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(), "postgres", "");
             var ps = c.prepareStatement("SELECT count(*) FROM reservations WHERE id = ANY (?::uuid[]) AND coalesce(charged_msat, 0) > 0")) {
            ps.setArray(1, c.createArrayOf("text", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long one(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    String report() {
        StringBuilder b = new StringBuilder();
        figures.forEach((k, v) -> b.append(String.format("  %-34s %,d%n", k, v)));
        b.append(problems.isEmpty() ? "  money rules: all hold\n" : "  PROBLEMS:\n    " + String.join("\n    ", problems) + "\n");
        return b.toString();
    }
}
