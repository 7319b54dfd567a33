package org.routstr.gateway.pricing;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.routstr.gateway.catalog.ModelPrices;
import org.routstr.gateway.catalog.Provider;
import org.routstr.gateway.catalog.Route;
import org.routstr.common.json.Json;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

class PricerTest {
    private static final Route ROUTE = new Route("m", "m", List.of(), new Provider(1, "p", "http://x/v1", Optional.empty(),
                                                                                   Optional.empty(), 0),
                                                 ModelPrices.tokens("30", "60"), OptionalInt.of(8000), OptionalInt.of(1000));

    private static Pricer pricer(long fixedSats) {
        return new Pricer(new PricingSettings(new BigDecimal("1.005"), new BigDecimal("1.10"), fixedSats, 4096),
                          () -> Optional.of(new BigDecimal("100000")));
    }

    @Test
    void seedExample() {
        // $30 per 1M × 1.005 × 1.10 = $33.165 per 1M; at $100,000/BTC 1 msat = $0.000001, so 33,165,000 msat per 1M
        Cost c = pricer(0).cost(ROUTE, Optional.of(new Usage(1_000_000, 0, 0, 0)), 0, 0);
        assertThat(c.inputMsat(), is(33_165_000L));
        // one token: 33.165 msat rounds up to 34
        assertThat(pricer(0).cost(ROUTE, Optional.of(new Usage(1, 0, 0, 0)), 0, 0).inputMsat(), is(34L));
    }

    @Test
    void estimateCapsPromptByContextAndCompletionByLimit() {
        long e = pricer(0).estimate(ROUTE, Budget.of(100_000, OptionalLong.of(5_000)));
        // prompt capped at 8,000 tokens, completion at 1,000
        assertThat(e, is(8000 * 33_165L / 1000 + 1000 * 66_330L / 1000));
    }

    @Test
    void fixedPricingChargesExactlyNSats() {
        Pricer p = pricer(3);
        assertThat(p.estimate(ROUTE, Budget.of(10, OptionalLong.empty())), is(3000L));
        Cost c = p.cost(ROUTE, Optional.of(new Usage(1000, 1000, 0, 0)), 0, 3000);
        assertThat(c.totalMsat(), is(3000L));
        assertThat(c.pricing(), is("per_request"));
    }

    @Test
    void usageDialects() {
        Usage openai = Usage.of(Json.parse("{\"prompt_tokens\":10,\"completion_tokens\":3,\"prompt_tokens_details\":{\"cached_tokens\":4}}"
                                                   .getBytes())).orElseThrow();
        assertThat(openai, is(new Usage(6, 3, 4, 0)));
        Usage anthropic = Usage.of(Json.parse("{\"input_tokens\":10,\"output_tokens\":3,\"cache_read_input_tokens\":4}".getBytes()))
                .orElseThrow();
        assertThat(anthropic, is(new Usage(10, 3, 4, 0)));
        assertThat(Usage.of(Json.parse("{}".getBytes())).isPresent(), is(false));
    }
}
