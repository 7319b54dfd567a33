package org.routstr.nostr;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

/** Exponential growth from 5 s, the 900 s cap, and ±20 % jitter that actually varies. */
class BackoffTest {
    @Test
    void doublesCapsAndJitters() {
        Backoff b = Backoff.DEFAULT;
        for (int attempt = 0; attempt < 12; attempt++) {
            long base = Math.min(900_000, 5_000L << attempt);
            java.util.Set<Long> seen = new java.util.HashSet<>();
            for (int i = 0; i < 50; i++) {
                long ms = b.delay(attempt).toMillis();
                assertThat(ms, allOf(greaterThanOrEqualTo(Math.round(base * 0.8)), lessThanOrEqualTo(Math.round(base * 1.2))));
                seen.add(ms);
            }
            assertThat("jitter varies", seen.size() > 5, is(true));
        }
        assertThat(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 0).delay(50), is(Duration.ofSeconds(1)));
    }
}
