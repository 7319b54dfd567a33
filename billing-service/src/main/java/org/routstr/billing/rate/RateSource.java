package org.routstr.billing.rate;

import java.net.URI;
import java.util.Objects;

/**
 * One place to ask for the BTC/USD price: its response shape ({@code kind}) and its URL.
 */
public record RateSource(Kind kind, URI url) {
    public RateSource {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(url, "url");
    }

    /** The response shapes understood, named after the exchange that serves them. */
    public enum Kind {
        KRAKEN, COINBASE, BINANCE
    }
}
