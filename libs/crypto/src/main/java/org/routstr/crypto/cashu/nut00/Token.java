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

    /**
     * The same token with 8-byte short ids (as cashu-ts writes into V4 tokens) replaced by the full ids they abbreviate.
     *
     * @param knownIds the mint's keyset ids ({@code GET /v1/keysets})
     * @throws org.routstr.crypto.cashu.CashuException if an id is unknown or a short id is ambiguous
     */
    public Token withResolvedKeysetIds(java.util.Collection<String> knownIds) {
        return withIds(id -> org.routstr.crypto.cashu.nut02.KeysetId.resolve(id, knownIds));
    }

    /** The same token with v2 keyset ids shortened to their first 8 bytes (smaller V4 tokens). */
    public Token withShortKeysetIds() {
        return withIds(id -> id.startsWith("01") && id.length() == 66 ? id.substring(0, 16) : id);
    }

    private Token withIds(java.util.function.UnaryOperator<String> mapping) {
        return new Token(mint, unit, memo, proofs.stream()
                .map(p -> new Proof(p.amount(), mapping.apply(p.id()), p.secret(), p.C(), p.witness(), p.dleq())).toList());
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
