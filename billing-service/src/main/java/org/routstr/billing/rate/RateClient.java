package org.routstr.billing.rate;

import java.lang.System.Logger.Level;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;

import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;

import com.fasterxml.jackson.databind.JsonNode;

import org.routstr.common.json.Json;

/**
 * Asks one source for the BTC/USD price and reads it from the exchange's own response shape; any failure is an empty
 * answer (the other sources and the stored rate cover it).
 */
final class RateClient {
    private static final System.Logger LOG = System.getLogger(RateClient.class.getName());
    private final WebClient http;

    RateClient(Duration timeout) {
        this.http = WebClient.builder().connectTimeout(timeout).readTimeout(timeout).followRedirects(false).build();
    }

    Optional<BigDecimal> fetch(RateSource source) {
        try (HttpClientResponse res = http.get().uri(source.url()).header(io.helidon.http.HeaderNames.ACCEPT, "application/json")
                .request()) {
            if (res.status().code() != 200) {
                LOG.log(Level.WARNING, source.kind() + " rate source answered " + res.status().code());
                return Optional.empty();
            }
            return parse(source.kind(), Json.parse(res.entity().as(byte[].class)));
        } catch (RuntimeException e) {
            // a network error, a timeout or an unexpected body: this source is skipped this round
            LOG.log(Level.WARNING, source.kind() + " rate source failed: " + e.getClass().getSimpleName() + " " + e.getMessage());
            return Optional.empty();
        }
    }

    /** Reads the price from a response: Kraken {@code result.<pair>.c[0]}, Coinbase {@code data.amount}, Binance {@code price}. */
    static Optional<BigDecimal> parse(RateSource.Kind kind, JsonNode body) {
        JsonNode price = switch (kind) {
            case KRAKEN -> {
                JsonNode result = body.path("result");
                JsonNode pair = result.has("XXBTZUSD") ? result.get("XXBTZUSD")
                        : result.isObject() && result.size() > 0 ? result.elements().next() : null;
                yield pair == null || !body.path("error").isEmpty() ? null : pair.path("c").path(0);
            }
            case COINBASE -> body.path("data").path("amount");
            case BINANCE -> body.path("price");
        };
        if (price == null || !price.isTextual() && !price.isNumber()) {
            return Optional.empty();
        }
        try {
            BigDecimal v = new BigDecimal(price.asText());
            return v.signum() > 0 ? Optional.of(v) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
