package org.routstr.admin.auth;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

class PasswordHasherTest {
    @Test
    void theConfiguredWorkFactorTakesAtLeast100Milliseconds() {
        AuthSettings s = AuthSettings.from(Config.just(ConfigSources.classpath("application.yaml")).get("admin.auth"));
        PasswordHasher h = new PasswordHasher(s.argonMemoryKib(), s.argonIterations(), s.argonParallelism());
        String hash = h.hash("warm-up");
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            h.verify("some password", hash);
            best = Math.min(best, (System.nanoTime() - t0) / 1_000_000);
        }
        System.out.println("Argon2id m=" + s.argonMemoryKib() + " KiB t=" + s.argonIterations() + " p=" + s.argonParallelism()
                           + ": fastest of 3 verifications " + best + " ms");
        assertThat(best, greaterThanOrEqualTo(100L));
    }

    @Test
    void verifiesItsOwnHashesOnlyForTheRightPassword() {
        PasswordHasher h = new PasswordHasher(1024, 1, 1);
        String hash = h.hash("right");
        assertThat(hash, startsWith("$argon2id$v=19$m=1024,t=1,p=1$"));
        assertThat(h.verify("right", hash), is(true));
        assertThat(h.verify("wrong", hash), is(false));
        assertThat(h.verify("right", "$argon2id$garbage"), is(false));
        // parameters live in the hash: a hasher with another work factor still verifies it
        assertThat(new PasswordHasher(2048, 2, 1).verify("right", hash), is(true));
    }
}
