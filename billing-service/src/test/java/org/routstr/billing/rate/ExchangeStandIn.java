package org.routstr.billing.rate;

import java.net.URI;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;

import io.helidon.http.Status;
import io.helidon.webserver.WebServer;

/**
 * Kraken, Coinbase and Binance stand-ins on 127.0.0.1 serving the exchanges' real response shapes, with prices (or
 * failures) the test sets.
 */
final class ExchangeStandIn implements AutoCloseable {
    private final Map<String, String> prices = new ConcurrentHashMap<>();
    private final WebServer server;

    ExchangeStandIn() {
        server = WebServer.builder().host("127.0.0.1").port(0).routing(r -> r
                .get("/0/public/Ticker", (req, res) -> answer(res, "kraken", p -> """
                        {"error":[],"result":{"XXBTZUSD":{"a":["%1$s","1","1.000"],"b":["%1$s","1","1.000"],\
                        "c":["%1$s","0.00010000"],"v":["100.1","200.2"],"p":["%1$s","%1$s"],"t":[1000,2000],\
                        "l":["%1$s","%1$s"],"h":["%1$s","%1$s"],"o":"%1$s"}}}""".formatted(p)))
                .get("/v2/prices/BTC-USD/spot", (req, res) -> answer(res, "coinbase", p -> """
                        {"data":{"amount":"%s","base":"BTC","currency":"USD"}}""".formatted(p)))
                .get("/api/v3/ticker/price", (req, res) -> answer(res, "binance", p -> """
                        {"symbol":"BTCUSDT","price":"%s"}""".formatted(p)))).build().start();
    }

    private void answer(io.helidon.webserver.http.ServerResponse res, String name,
                        java.util.function.Function<String, String> body) {
        String p = prices.get(name);
        if (p == null || p.equals("down")) {
            res.status(Status.SERVICE_UNAVAILABLE_503).send("{\"error\":\"maintenance\"}");
        } else {
            res.header("Content-Type", "application/json").send(body.apply(p));
        }
    }

    /** Sets a source's price; "down" makes it answer 503. */
    ExchangeStandIn price(String source, String price) {
        prices.put(source, price);
        return this;
    }

    List<RateSource> sources() {
        String base = "http://127.0.0.1:" + server.port();
        return List.of(new RateSource(RateSource.Kind.KRAKEN, URI.create(base + "/0/public/Ticker?pair=XBTUSD")),
                       new RateSource(RateSource.Kind.COINBASE, URI.create(base + "/v2/prices/BTC-USD/spot")),
                       new RateSource(RateSource.Kind.BINANCE, URI.create(base + "/api/v3/ticker/price?symbol=BTCUSDT")));
    }

    @Override
    public void close() {
        server.stop();
    }
}
