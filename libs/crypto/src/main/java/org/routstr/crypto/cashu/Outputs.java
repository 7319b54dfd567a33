package org.routstr.crypto.cashu;

import java.util.ArrayList;
import java.util.List;

import org.routstr.crypto.Hex;
import org.routstr.crypto.Secp256k1;
import org.routstr.crypto.cashu.nut13.DeterministicSecrets;

/**
 * Creates outputs: random (64-hex secrets), or NUT-13 deterministic from a seed and a start counter (one counter
 * value per output, in order). Persist {@code startCounter + amounts.size()} before sending deterministic outputs.
 *
 * @see <a href="https://github.com/cashubtc/nuts/blob/main/13.md">NUT-13</a>
 */
public final class Outputs {
    /** The amount written into NUT-08 blank outputs (the mint ignores it). */
    public static final long BLANK_AMOUNT = 1;

    private Outputs() {
    }

    /** Outputs with fresh random secrets and blinding factors. */
    public static List<PreparedOutput> random(String keysetId, List<Long> amounts) {
        List<PreparedOutput> out = new ArrayList<>(amounts.size());
        for (long amount : amounts) {
            out.add(PreparedOutput.of(amount, keysetId, Hex.encode(Secp256k1.randomBytes(32)), Secp256k1.randomScalar()));
        }
        return out;
    }

    /** Deterministic outputs using counters {@code startCounter … startCounter + amounts.size() − 1}. */
    public static List<PreparedOutput> deterministic(byte[] seed, String keysetId, long startCounter, List<Long> amounts) {
        List<PreparedOutput> out = new ArrayList<>(amounts.size());
        long counter = startCounter;
        for (long amount : amounts) {
            DeterministicSecrets.Derived d = DeterministicSecrets.derive(seed, keysetId, counter++);
            out.add(PreparedOutput.of(amount, keysetId, d.secret(), d.r()));
        }
        return out;
    }

    /** {@code count} NUT-08 blank outputs (amount {@value #BLANK_AMOUNT}, ignored by the mint). */
    public static List<Long> blankAmounts(int count) {
        return java.util.Collections.nCopies(count, BLANK_AMOUNT);
    }
}
