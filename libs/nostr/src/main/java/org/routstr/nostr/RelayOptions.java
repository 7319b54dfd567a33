package org.routstr.nostr;

import java.time.Duration;

/**
 * How a {@link RelayClient} behaves: how long to wait for a connection and for an {@code OK}, and how to back off.
 */
public record RelayOptions(Duration connectTimeout, Duration publishTimeout, Backoff backoff) {
    public static final RelayOptions DEFAULT = new RelayOptions(Duration.ofSeconds(10), Duration.ofSeconds(10), Backoff.DEFAULT);
}
