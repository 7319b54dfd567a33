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
            return new DemoInfra(upstream, TestMint.builder().port(mintPort).seed("routstr-demo-mint").start());
        } catch (RuntimeException e) {
            upstream.close();
            throw e;
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
