package org.routstr.crypto.cashu.nut02;

import java.util.Collection;
import java.util.function.ToLongFunction;

import org.routstr.crypto.cashu.nut00.Proof;

/**
 * Input fees: {@code ceil(Σ input_fee_ppk(keyset(proof)) / 1000)} in integer math.
 *
 * @see <a href="https://github.com/cashubtc/nuts/blob/main/02.md">NUT-02</a>
 */
public final class Fees {
    private Fees() {
    }

    /** The fee for spending the given proofs; {@code feePpkOfKeyset} maps a keyset id to its input_fee_ppk. */
    public static long inputFee(Collection<Proof> proofs, ToLongFunction<String> feePpkOfKeyset) {
        long sumPpk = 0;
        for (Proof p : proofs) {
            sumPpk = Math.addExact(sumPpk, feePpkOfKeyset.applyAsLong(p.id()));
        }
        return ceilPpk(sumPpk);
    }

    /** The fee for {@code count} inputs of one keyset. */
    public static long inputFee(int count, long inputFeePpk) {
        return ceilPpk(Math.multiplyExact(count, inputFeePpk));
    }

    private static long ceilPpk(long sumPpk) {
        return Math.addExact(sumPpk, 999) / 1000;
    }
}
