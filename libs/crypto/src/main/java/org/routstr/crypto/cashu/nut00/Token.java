package org.routstr.crypto.cashu.nut00;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A token of one mint and one unit: the proofs, an optional memo. V3 tokens spanning several mints are rejected
 * on decoding ({@link InvalidTokenException.Reason#MULTIPLE_MINTS}).
 *
 * @see <a href="https://github.com/cashubtc/nuts/blob/main/00.md">NUT-00</a>
 */
public record Token(String mint, String unit, Optional<String> memo, List<Proof> proofs) {
    /** Normalises the mint URL (no trailing '/') and checks the invariants. */
    public Token {
        if (mint == null || mint.isBlank()) {
            throw new IllegalArgumentException("token needs a mint URL");
        }
        while (mint.endsWith("/")) {
            mint = mint.substring(0, mint.length() - 1);
        }
        if (unit == null || unit.isBlank()) {
            throw new IllegalArgumentException("token needs a unit");
        }
        memo = memo == null ? Optional.empty() : memo;
        proofs = List.copyOf(proofs);
        if (proofs.isEmpty()) {
            throw new IllegalArgumentException("token needs proofs");
        }
    }

    /** A token without memo. */
    public Token(String mint, String unit, List<Proof> proofs) {
        this(mint, unit, Optional.empty(), proofs);
    }

    /** Sum of the proof amounts. @throws ArithmeticException on overflow */
    public long amount() {
        long sum = 0;
        for (Proof p : proofs) {
            sum = Math.addExact(sum, p.amount());
        }
        return sum;
    }

    /** Keyset ids in order of first appearance. */
    public Set<String> keysetIds() {
        Set<String> ids = new LinkedHashSet<>();
        proofs.forEach(p -> ids.add(p.id()));
        return ids;
    }

    /** The same token with the DLEQ proofs removed from every proof. */
    public Token withoutDleq() {
        return new Token(mint, unit, memo, proofs.stream().map(Proof::withoutDleq).toList());
    }

    /** The same token with a memo. */
    public Token withMemo(String newMemo) {
        return new Token(mint, unit, Optional.ofNullable(newMemo), proofs);
    }

    @Override
    public String toString() {
        return "Token[mint=" + mint + ", unit=" + unit + ", proofs=" + proofs.size() + "]";
    }
}
