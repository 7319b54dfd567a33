package org.routstr.wallet.mint;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;

import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Lightning addresses and LNURLs a client names pass the guard; one answer for every refusal; no redirect is followed. */
class LnurlGuardTest {
    @Test
    void privateMetadataAndUnknownHostsGetTheSameRefusal() {
        LnurlClient lnurl = new LnurlClient(new OutboundGuard(Set.of()));
        for (String a : List.of("user@169.254.169.254", "user@10.0.0.1", "user@127.0.0.1:1", "user@localhost",
                                "user@no-such-host.invalid", "http://example.com/lnurlp/x", "https://169.254.169.254/latest?x=",
                                "https://[::1]:8000/lnurl")) {
            LnurlClient.LnurlException e = assertThrows(LnurlClient.LnurlException.class, () -> lnurl.invoice(a, 1000), a);
            assertThat(a, e.getMessage(), is("LNURL endpoint not allowed (https and a public host only)"));
        }
    }

    @Test
    void aRedirectToTheMetadataAddressIsNotFollowed() throws Exception {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/", ex -> {
            ex.getResponseHeaders().add("Location", "http://169.254.169.254/latest/meta-data/");
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        s.start();
        try {
            LnurlClient lnurl = new LnurlClient(new OutboundGuard(Set.of("127.0.0.1")));
            LnurlClient.LnurlException e = assertThrows(LnurlClient.LnurlException.class,
                    () -> lnurl.invoice("user@127.0.0.1:" + s.getAddress().getPort(), 1000));
            assertThat(e.getMessage(), is("LNURL endpoint answered 302"));
        } finally {
            s.stop(0);
        }
    }
}
