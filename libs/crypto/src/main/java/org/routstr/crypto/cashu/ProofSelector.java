package org.routstr.crypto.cashu;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToLongFunction;

import org.routstr.crypto.cashu.nut00.Proof;
import org.routstr.crypto.cashu.nut02.Fees;

/**
 * Chooses proofs whose value after input fees covers a target amount.
 *
 * @see <a href="https://github.com/cashubtc/nuts/blob/main/02.md">NUT-02</a> (fees)
 */
public final class ProofSelector {
    private ProofSelector() {
    }

    /** The chosen proofs, their total, and the input fee the mint will charge for them. */
    public record Selection(List<Proof> proofs, long total, long fee) {
        /** Copies the list. */
        public Selection {
            proofs = List.copyOf(proofs);
        }

        /** What remains after the target and the fee: the change to swap back. */
        public long change(long target) {
            return total - fee - target;
        }
    }

    /**
     * Selects proofs with {@code total − fee(selected) >= target}: largest first, then drops proofs that are not needed.
     *
     * @throws InsufficientFundsException if all proofs together are not enough
     */
    public static Selection select(List<Proof> available, long target, ToLongFunction<String> feePpkOfKeyset) {
        if (target <= 0) {
            throw new IllegalArgumentException("target must be positive");
        }
        List<Proof> sorted = new ArrayList<>(available);
        sorted.sort(Comparator.comparingLong(Proof::amount).reversed());
        List<Proof> chosen = new ArrayList<>();
        long total = 0;
        for (Proof p : sorted) {
            if (covers(total, chosen, target, feePpkOfKeyset)) {
                break;
            }
            chosen.add(p);
            total = Math.addExact(total, p.amount());
        }
        if (!covers(total, chosen, target, feePpkOfKeyset)) {
            throw new InsufficientFundsException("proofs worth " + total + " cannot cover " + target + " plus fees");
        }
        // drop small proofs that turned out to be unnecessary (smallest first)
        for (int i = chosen.size() - 1; i >= 0; i--) {
            Proof p = chosen.get(i);
            List<Proof> without = new ArrayList<>(chosen);
            without.remove(i);
            if (!without.isEmpty() && covers(total - p.amount(), without, target, feePpkOfKeyset)) {
                chosen = without;
                total -= p.amount();
            }
        }
        return new Selection(chosen, total, Fees.inputFee(chosen, feePpkOfKeyset));
    }

    private static boolean covers(long total, List<Proof> chosen, long target, ToLongFunction<String> feePpk) {
        return !chosen.isEmpty() && total - Fees.inputFee(chosen, feePpk) >= target;
    }
}
