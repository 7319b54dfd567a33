package org.routstr.testmint;

/**
 * Switchable misbehaviour of the {@link TestMint} for tests of error paths.
 */
public enum FailureMode {
    /** Behave. */
    NONE,
    /** Melts fail with 20004 (Lightning payment failed); the inputs stay unspent. */
    MELT_FAILS,
    /** Every request waits for the configured delay before it is handled (a slow mint). */
    DELAY,
    /** POST requests are processed, then the answer is delayed (a lost answer: outcome ambiguous for the client). */
    PROCESS_THEN_DELAY,
    /** Every request gets HTTP 503. */
    UNAVAILABLE
}
