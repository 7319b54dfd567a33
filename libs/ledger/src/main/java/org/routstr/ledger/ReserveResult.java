package org.routstr.ledger;

/**
 * The outcome of a reservation attempt, as decided by {@code ledger_reserve} in SQL.
 */
public enum ReserveResult {
    OK, DUPLICATE, UNKNOWN_KEY, EXPIRED, REVOKED, INSUFFICIENT, OVER_LIMIT;

    static ReserveResult of(String sql) {
        return switch (sql) {
            case "ok" -> OK;
            case "duplicate" -> DUPLICATE;
            case "unknown_key" -> UNKNOWN_KEY;
            case "expired" -> EXPIRED;
            case "revoked" -> REVOKED;
            case "insufficient" -> INSUFFICIENT;
            case "over_limit" -> OVER_LIMIT;
            default -> throw new IllegalStateException("unknown reserve outcome " + sql);
        };
    }
}
