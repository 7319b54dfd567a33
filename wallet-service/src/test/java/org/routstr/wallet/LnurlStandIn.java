package org.routstr.wallet;

import java.util.concurrent.atomic.AtomicLong;

import io.helidon.webserver.WebServer;

import org.routstr.common.json.Json;
import org.routstr.crypto.cashu.client.CashuWallet;
import org.routstr.crypto.cashu.client.MintClient;
import org.routstr.testmint.TestMint;

/**
 * A Lightning address on 127.0.0.1 (LUD-16): invoices are mint quotes of another test mint, which the paying mint's
 * fake Lightning accepts.
 */
final class LnurlStandIn implements AutoCloseable {
    private final WebServer server;
    private final AtomicLong invoiced = new AtomicLong();

    private LnurlStandIn(TestMint invoicer) {
        CashuWallet wallet = new CashuWallet(MintClient.create(invoicer.url()));
        server = WebServer.builder().host("127.0.0.1").port(0).routing(r -> r
                .get("/.well-known/lnurlp/{user}", (req, res) -> res.header("Content-Type", "application/json")
                        .send(Json.bytes(Json.object().put("tag", "payRequest").put("minSendable", 1000).put("maxSendable", 100_000_000_000L)
                                .put("callback", "http://127.0.0.1:" + port() + "/callback").put("metadata", "[]"))))
                .get("/callback", (req, res) -> {
                    long msat = Long.parseLong(req.query().get("amount"));
                    invoiced.addAndGet(msat);
                    String pr = wallet.requestMintQuote(msat / 1000, "sat").request();
                    res.header("Content-Type", "application/json").send(Json.bytes(Json.object().put("pr", pr)));
                })).build().start();
    }

    static LnurlStandIn start(TestMint invoicer) {
        return new LnurlStandIn(invoicer);
    }

    int port() {
        return server.port();
    }

    long invoicedMsat() {
        return invoiced.get();
    }

    @Override
    public void close() {
        server.stop();
    }
}
