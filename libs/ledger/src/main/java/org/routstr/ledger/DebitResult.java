package org.routstr.ledger;

/**
 * The outcome of a debit.
 */
public sealed interface DebitResult {
    /** Money left the account. */
    record Debited(long msat) implements DebitResult {
    }

    /** The idempotency key was used before; {@code msat} is what that first debit took. */
    record Duplicate(long msat) implements DebitResult {
    }

    /** Not enough available (reserved money is never taken). */
    record Insufficient(long availableMsat) implements DebitResult {
    }

    static DebitResult of(String outcome, long amount) {
        return switch (outcome) {
            case "ok" -> new Debited(amount);
            case "duplicate" -> new Duplicate(amount);
            case "insufficient" -> new Insufficient(amount);
            default -> throw new IllegalStateException("unknown debit outcome " + outcome);
        };
    }
}
