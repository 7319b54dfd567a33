package org.routstr.ledger;

import java.util.Locale;
import java.util.Optional;

/**
 * How often a key's spending limit starts again.
 */
public enum LimitReset {
    DAILY, WEEKLY, MONTHLY;

    String sql() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code daily|weekly|monthly}; empty for anything else. */
    public static Optional<LimitReset> parse(String value) {
        for (LimitReset r : values()) {
            if (r.sql().equalsIgnoreCase(value)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
