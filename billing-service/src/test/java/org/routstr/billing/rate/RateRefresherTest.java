package org.routstr.billing.rate;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

import org.routstr.common.kafka.ControlBus;
import org.routstr.common.kafka.Kafka;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.common.json.Json;
import org.routstr.testsupport.RealInfra;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.comparesEqualTo;
import static org.hamcrest.Matchers.is;

@RealInfra
class RateRefresherTest {
    @Test
    void combinesTheMedianBandAndTakesTheLowestAgreeingQuote() {
        assertThat(RateCombiner.combine(quotes("100000", "100500", "101000"), 0.02, 2).orElseThrow(),
                   comparesEqualTo(new BigDecimal("100000")));
        // one source printing far off is dropped, not averaged in
        assertThat(RateCombiner.combine(quotes("100000", "100400", "50000"), 0.02, 2).orElseThrow(),
                   comparesEqualTo(new BigDecimal("100000")));
        assertThat(RateCombiner.combine(quotes("100000", "150000", "200000"), 0.02, 2), is(Optional.empty()));
        assertThat("one quote is not enough", RateCombiner.combine(quotes("100000"), 0.02, 2), is(Optional.empty()));
        assertThat(RateCombiner.combine(quotes("100000", "99000"), 0.02, 2).orElseThrow(), comparesEqualTo(new BigDecimal("99000")));
    }

    @Test
    void parsesEachExchangesResponseShape() {
        assertThat(RateClient.parse(RateSource.Kind.KRAKEN, Json.parse("""
                {"error":[],"result":{"XXBTZUSD":{"c":["97123.40000","0.001"]}}}""".getBytes())).orElseThrow(),
                   comparesEqualTo(new BigDecimal("97123.4")));
        assertThat(RateClient.parse(RateSource.Kind.KRAKEN, Json.parse("""
                {"error":["EQuery:Unknown asset pair"]}""".getBytes())), is(Optional.empty()));
        assertThat(RateClient.parse(RateSource.Kind.COINBASE, Json.parse("""
                {"data":{"amount":"97000.01","base":"BTC","currency":"USD"}}""".getBytes())).orElseThrow(),
                   comparesEqualTo(new BigDecimal("97000.01")));
        assertThat(RateClient.parse(RateSource.Kind.BINANCE, Json.parse("""
                {"symbol":"BTCUSDT","price":"0.00000000"}""".getBytes())), is(Optional.empty()));
        assertThat(RateClient.parse(RateSource.Kind.BINANCE, Json.parse("{\"code\":-1121}".getBytes())), is(Optional.empty()));
    }

    @Test
    void fetchesFromStandInsStoresAndKeepsTheStoredRateWhenSourcesFail(DataSource ds, KafkaSettings kafka) {
        try (ExchangeStandIn exchanges = new ExchangeStandIn();
             KafkaProducer<String, byte[]> producer = Kafka.producer(kafka)) {
            ControlBus bus = new ControlBus(kafka, producer);
            exchanges.price("kraken", "97000.5").price("coinbase", "97100.25").price("binance", "250000");
            try (RateRefresher r = new RateRefresher(ds, bus, settings(exchanges.sources(), Optional.empty()))) {
                assertThat(r.refresh().orElseThrow(), comparesEqualTo(new BigDecimal("97000.5")));
            }
            assertThat(stored(ds).usdPerBtc(), comparesEqualTo(new BigDecimal("97000.5")));

            // a restart without network: every source fails, the stored rate stays and prices keep working
            exchanges.price("kraken", "down").price("coinbase", "down").price("binance", "down");
            try (RateRefresher r = new RateRefresher(ds, bus, settings(exchanges.sources(), Optional.empty())).start()) {
                assertThat(r.refresh(), is(Optional.empty()));
            }
            assertThat(stored(ds).usdPerBtc(), comparesEqualTo(new BigDecimal("97000.5")));

            // only one source answering is not enough to move the price
            exchanges.price("binance", "90000");
            try (RateRefresher r = new RateRefresher(ds, bus, settings(exchanges.sources(), Optional.empty()))) {
                assertThat(r.refresh(), is(Optional.empty()));
            }
            assertThat(stored(ds).usdPerBtc(), comparesEqualTo(new BigDecimal("97000.5")));
        }
    }

    @Test
    void aFixedRateIsStoredWithoutAskingAnyone(DataSource ds, KafkaSettings kafka) {
        try (ExchangeStandIn exchanges = new ExchangeStandIn();
             KafkaProducer<String, byte[]> producer = Kafka.producer(kafka);
             RateRefresher r = new RateRefresher(ds, new ControlBus(kafka, producer),
                                                 settings(exchanges.sources(), Optional.of(new BigDecimal("123456.78"))))) {
            exchanges.price("kraken", "1").price("coinbase", "1").price("binance", "1");
            r.start();
            assertThat(stored(ds).usdPerBtc(), comparesEqualTo(new BigDecimal("123456.78")));
            assertThat(stored(ds).source(), is("fixed"));
        }
    }

    private static RateSettings settings(List<RateSource> sources, Optional<BigDecimal> fixed) {
        return new RateSettings(sources, fixed, Duration.ofSeconds(60), Duration.ofSeconds(120), 0.02, 2, Duration.ofSeconds(2));
    }

    private static RateRepository.StoredRate stored(DataSource ds) {
        return new RateRepository(ds).latest().orElseThrow();
    }

    private static List<BigDecimal> quotes(String... q) {
        return java.util.Arrays.stream(q).map(BigDecimal::new).toList();
    }
}
