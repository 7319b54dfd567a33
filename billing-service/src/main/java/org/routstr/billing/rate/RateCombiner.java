package org.routstr.billing.rate;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Combines quotes conservatively: take the median, drop quotes further than {@code maxDeviation} from it (a broken or
 * manipulated source), require {@code minSources} to remain, and use the lowest remaining quote. A lower BTC price means
 * more sats per USD, so the node never under-charges because one exchange printed high.
 */
final class RateCombiner {
    private RateCombiner() {
    }

    static Optional<BigDecimal> combine(List<BigDecimal> quotes, double maxDeviation, int minSources) {
        List<BigDecimal> sorted = new ArrayList<>(quotes.stream().filter(q -> q.signum() > 0).toList());
        if (sorted.size() < minSources || sorted.isEmpty()) {
            return Optional.empty();
        }
        sorted.sort(Comparator.naturalOrder());
        int n = sorted.size();
        BigDecimal median = n % 2 == 1 ? sorted.get(n / 2)
                : sorted.get(n / 2 - 1).add(sorted.get(n / 2)).divide(BigDecimal.TWO, MathContext.DECIMAL64);
        BigDecimal band = median.multiply(BigDecimal.valueOf(maxDeviation));
        List<BigDecimal> agreeing = sorted.stream().filter(q -> q.subtract(median).abs().compareTo(band) <= 0).toList();
        if (agreeing.size() < minSources) {
            return Optional.empty();
        }
        return Optional.of(agreeing.getFirst());
    }
}
