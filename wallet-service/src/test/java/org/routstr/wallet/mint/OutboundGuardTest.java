package org.routstr.wallet.mint;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.routstr.wallet.WalletSettings;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The guard of client-chosen URLs (issue 12): which destinations it refuses, and the bounded cache of foreign mints. */
class OutboundGuardTest {
    private final OutboundGuard guard = new OutboundGuard(Set.of());

    @Test
    void refusesEveryNonPublicAddress() throws Exception {
        for (String a : List.of("127.0.0.1", "127.1.2.3", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "100.64.0.1",
                                "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fd00:ec2::254", "fc00::1",
                                "ff02::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254", "64:ff9b::a9fe:a9fe")) {
            assertThat(a, OutboundGuard.forbidden(InetAddress.getByName(a)), is(true));
        }
        for (String a : List.of("1.1.1.1", "8.8.8.8", "2606:4700:4700::1111")) {
            assertThat(a, OutboundGuard.forbidden(InetAddress.getByName(a)), is(false));
        }
    }

    @Test
    void refusesHttpPrivateHostsAndUnknownHostsWithTheSameAnswer() {
        for (String url : List.of("http://169.254.169.254/latest/meta-data?x=", "https://169.254.169.254/", "https://127.0.0.1:3338",
                                  "https://localhost", "https://10.1.2.3", "https://[::1]/", "http://example.com",
                                  "https://no-such-host.invalid", "ftp://mint.example.com", "https://user@1.1.1.1/",
                                  "https://0x7f000001/", "https://2130706433/", "not a url")) {
            OutboundGuard.Refused e = assertThrows(OutboundGuard.Refused.class, () -> guard.check(url), url);
            assertThat(e.getMessage(), is("destination not allowed"));
        }
    }

    @Test
    void anAllowedHostMayBeLoopbackAndPlainHttp() {
        OutboundGuard allowing = new OutboundGuard(Set.of("127.0.0.1"));
        assertThat(allowing.check("http://127.0.0.1:3338").getPort(), is(3338));
        assertThrows(OutboundGuard.Refused.class, () -> allowing.check("http://10.0.0.1"));
    }

    @Test
    void foreignMintWalletsAreCachedBoundedly() {
        Mints mints = new Mints(new WalletSettings(List.of("http://127.0.0.1:3338"), true, Optional.empty(), "0123456789abcdef0123",
                Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(30), 0, Set.of("127.0.0.1"), Duration.ofSeconds(5)), new byte[64]);
        for (int i = 0; i < 1000; i++) {
            mints.wallet("http://127.0.0.1:1/mint" + i);
        }
        assertThat(mints.foreignCached(), lessThanOrEqualTo(Mints.FOREIGN_CACHE + 8));
    }
}
