package org.routstr.standin;

import java.util.Locale;
import java.util.Optional;

/**
 * How the stand-in misbehaves for one request, chosen by header {@code x-standin-mode} or the server's default mode.
 */
public enum Mode {
    /** Answer promptly. */
    NORMAL,
    /** Answer, but wait {@code x-standin-delay-ms} (default 100 ms) before the body and between stream chunks. */
    SLOW,
    /** 500 with an OpenAI-style error body. */
    FAIL500,
    /** 429 with {@code Retry-After: 1}. */
    FAIL429,
    /** 400 with an OpenAI-style error body (a client mistake the gateway must pass through). */
    FAIL400,
    /** Start the response, then drop the connection before it is complete. */
    DISCONNECT,
    /** Answer without any usage numbers. */
    NO_USAGE,
    /** Report 100 times the completion tokens it generated (an upstream that bills more than it was asked for). */
    OVERRUN,
    /** Accept the request and never answer (until {@code x-standin-delay-ms}, default 60 s, passes). */
    HANG;

    /** Parses {@code slow}, {@code fail500}, {@code no-usage} and so on; unknown names are empty. */
    public static Optional<Mode> parse(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (Mode m : values()) {
            if (m.name().equals(n)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
