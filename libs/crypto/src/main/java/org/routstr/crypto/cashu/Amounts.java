package org.routstr.crypto.cashu;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * Splitting amounts into the power-of-two denominations of a keyset, ascending (NUT-03 privacy advice).
 *
 * @see <a href="https://github.com/cashubtc/nuts/blob/main/03.md">NUT-03</a>
 */
public final class Amounts {
    private Amounts() {
    }

    /** The binary decomposition of a positive amount, ascending (e.g. 13 → [1, 4, 8]); empty for 0. */
    public static List<Long> split(long amount) {
        if (amount < 0) {
            throw new IllegalArgumentException("amount must not be negative");
        }
        List<Long> parts = new ArrayList<>();
        for (int bit = 0; bit < 63; bit++) {
            long part = 1L << bit;
            if ((amount & part) != 0) {
                parts.add(part);
            }
        }
        return parts;
    }

    /** Splits using only the denominations a keyset offers (greedy, largest first), ascending. */
    public static List<Long> split(long amount, Collection<BigInteger> denominations) {
        NavigableSet<Long> available = new TreeSet<>();
        denominations.stream().filter(d -> d.bitLength() < 64).forEach(d -> available.add(d.longValue()));
        List<Long> parts = new ArrayList<>();
        long rest = amount;
        while (rest > 0) {
            Long d = available.floor(rest);
            if (d == null) {
                throw new CashuException("amount cannot be represented with the keyset's denominations");
            }
            parts.add(d);
            rest -= d;
        }
        parts.sort(null);
        return parts;
    }

    /** Checked sum. */
    public static long sum(Collection<Long> amounts) {
        long s = 0;
        for (long a : amounts) {
            s = Math.addExact(s, a);
        }
        return s;
    }
}
