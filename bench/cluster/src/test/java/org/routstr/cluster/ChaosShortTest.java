package org.routstr.cluster;

import java.nio.file.Files;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;

/**
 * The short chaos run of CI: 2 gateways, 2 billing, 2 wallets, admin and discovery as separate JVMs, one KRaft broker JVM
 * and one PostgreSQL; 5 000 randomized operations over 50 keys at 64-way while 3 random service processes are killed -9
 * and the broker restarts. Every money rule of {@link Audit} must hold once the cluster has settled.
 */
class ChaosShortTest {
    @Test
    void noMsatLostNothingChargedTwiceUnderKillsAndABrokerRestart() throws Exception {
        ChaosRun.Result r = ChaosRun.run(Files.createTempDirectory("chaos-short-"),
                new ChaosRun.Settings(2, 50, 5000, 64, 3, false, Duration.ofSeconds(100), 11));
        System.out.println(r.report());
        assertThat(r.report(), r.audit().figures.get("deposits_msat"), greaterThan(0L));
        assertThat(r.report(), r.problems(), empty());
    }
}
