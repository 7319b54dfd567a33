package org.routstr.node.demo;

import org.routstr.standin.StandinUpstream;
import org.routstr.testmint.TestMint;

/**
 * Demo mode's stand-ins for the outside world: an OpenAI-compatible upstream with deterministic replies and a Cashu test
 * mint with fake Lightning, both on loopback. The mint's keys come from a fixed seed, so tokens stay valid across restarts.
 */
public final class DemoInfra implements AutoCloseable {
    private final StandinUpstream upstream;
    private final TestMint mint;

    private DemoInfra(StandinUpstream upstream, TestMint mint) {
        this.upstream = upstream;
        this.mint = mint;
    }

    /** Starts both; ports 0 pick free ones. */
    public static DemoInfra start(int upstreamPort, int mintPort) {
        StandinUpstream upstream = StandinUpstream.start("127.0.0.1", upstreamPort);
        try {
            listening("demo upstream", upstream.port(), upstreamPort);
            DemoInfra d = new DemoInfra(upstream, TestMint.builder().port(mintPort).seed("routstr-demo-mint").start());
            try {
                listening("demo mint", d.mint.port(), mintPort);
            } catch (RuntimeException e) {
                d.mint.close();
                throw e;
            }
            return d;
        } catch (RuntimeException e) {
            upstream.close();
            throw e;
        }
    }

    /** Helidon logs a listener that cannot bind and returns a stopped server; a start that did not listen must fail. */
    private static void listening(String what, int port, int asked) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 2_000);
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new IllegalStateException("the " + what + " cannot listen on 127.0.0.1:" + asked + " (port in use?)");
        }
    }

    /** The upstream's base URL without {@code /v1}. */
    public String upstreamUrl() {
        return upstream.url();
    }

    public String mintUrl() {
        return mint.url();
    }

    /** A fresh {@code cashuB} token of {@code amountSat} from the demo mint. */
    public String mintToken(long amountSat) {
        return mint.mintToken(amountSat);
    }

    @Override
    public void close() {
        mint.close();
        upstream.close();
    }
}
