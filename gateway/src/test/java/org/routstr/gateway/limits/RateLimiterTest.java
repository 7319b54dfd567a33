package org.routstr.gateway.limits;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RateLimiterTest {
    @Test
    void limitsEachSubjectWithinItsWindow() throws Exception {
        RateLimiter perIp = new RateLimiter(2, Duration.ofMillis(300), "client address");
        perIp.check("10.0.0.1");
        perIp.check("10.0.0.1");
        perIp.check("10.0.0.2");
        RateLimiter.RateLimited e = assertThrows(RateLimiter.RateLimited.class, () -> perIp.check("10.0.0.1"));
        assertThat(e.status(), is(429));
        assertThat(e.retryAfterSeconds(), is(1L));
        Thread.sleep(350);
        perIp.check("10.0.0.1");
    }

    @Test
    void zeroTurnsItOff() {
        RateLimiter off = new RateLimiter(0, Duration.ofSeconds(1), "key");
        for (int i = 0; i < 1000; i++) {
            off.check("k");
        }
    }
}
