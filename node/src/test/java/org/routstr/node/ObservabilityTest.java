package org.routstr.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.routstr.common.json.Json;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.common.server.RunningService;
import org.routstr.crypto.cashu.nut00.TokenCodec;
import org.routstr.standin.StandinUpstream;
import org.routstr.testmint.TestMint;
import org.routstr.testsupport.RealInfra;
import org.routstr.testsupport.TestDb;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;

/**
 * Issue 19: after a scripted paid flow (one X-Cashu chat served with change, one refused 402, one 413) every service's
 * internal {@code /metrics} moved by exactly what the flow did; a real Prometheus scraping those sockets returns the
 * gateway's charged msat from its query API; the shipped alert rules pass {@code promtool}, and every metric they and the
 * Grafana dashboard use is exported.
 */
@RealInfra
class ObservabilityTest {
    private static final String INTERNAL = "observability-internal-secret";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String MODEL = "standin-gpt";
    private static final String CHAT = "{\"model\":\"standin-gpt\",\"max_tokens\":200,"
                                       + "\"messages\":[{\"role\":\"user\",\"content\":\"watch my money\"}]}";
    private static final Path DEPLOY = Path.of("..", "deploy");
    private static final Pattern METRIC = Pattern.compile("\\b((?:gateway|billing|wallet)_[a-z0-9_]+)");

    private static TestMint mint;
    private static StandinUpstream upstream;
    private static final List<RunningService> SERVICES = new ArrayList<>();
    private static RunningService gateway;
    private static RunningService billing;
    private static RunningService wallet;
    private static String api;
    private static OtlpReceiver otlp;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start(TestDb db, KafkaSettings kafka) throws Exception {
        otlp = OtlpReceiver.start();
        mint = TestMint.start();
        upstream = StandinUpstream.start("127.0.0.1", 0);
        Map<String, String> shared = Map.of("db.url", db.settings().url(), "db.user", db.settings().user(),
                                            "db.password", db.settings().password(),
                                            "kafka.bootstrap-servers", kafka.bootstrapServers(), "internal.token", INTERNAL,
                                            "tracing.otlp-endpoint", otlp.url(), "tracing.export-delay", "PT0.2S");
        Map<String, String> defaults = new HashMap<>();
        defaults.put("wallet.trusted-mints", mint.url());
        defaults.put("wallet.allowed-hosts", "127.0.0.1");
        defaults.put("billing.fixed-usd-per-btc", DemoMode.DEMO_USD_PER_BTC);
        defaults.put("billing.consumer.group", "billing-observability");
        defaults.put("gateway.secret-key", "observability-secret-key");
        defaults.put("gateway.max-request-bytes", "65536");
        String p = "gateway.providers.0.";
        defaults.put(p + "slug", "standin");
        defaults.put(p + "base-url", upstream.url() + "/v1");
        defaults.put(p + "models.0.id", MODEL);
        defaults.put(p + "models.0.input-usd-per-m", "2.50");
        defaults.put(p + "models.0.output-usd-per-m", "10.00");
        ServiceConfigs configs = new ServiceConfigs(Optional.empty(), shared, defaults);
        Map<String, String> loopback = Map.of("server.host", "127.0.0.1", "server.port", "0", "server.internal-port", "0");
        billing = org.routstr.billing.Main.start(configs.compose(org.routstr.billing.Main.class, loopback));
        SERVICES.add(billing);
        wallet = org.routstr.wallet.Main.start(configs.compose(org.routstr.wallet.Main.class, loopback));
        SERVICES.add(wallet);
        awaitTrue("btc_rate stored by billing", () -> org.routstr.common.db.Db.withConnection(db.dataSource(), c -> {
            try (var rs = c.createStatement().executeQuery("SELECT count(*) FROM btc_rate")) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }));
        Map<String, String> front = new HashMap<>(loopback);
        front.put("gateway.routes.wallet", "http://127.0.0.1:" + wallet.port());
        front.put("gateway.routes.admin", "http://127.0.0.1:9");
        front.put("gateway.routes.discovery", "http://127.0.0.1:9");
        gateway = org.routstr.gateway.Main.start(configs.compose(org.routstr.gateway.Main.class, front));
        api = "http://127.0.0.1:" + gateway.port();
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.stop();
        }
        for (RunningService s : SERVICES.reversed()) {
            s.stop();
        }
        if (upstream != null) {
            upstream.close();
        }
        if (mint != null) {
            mint.close();
        }
        if (otlp != null) {
            otlp.close();
        }
    }

    @Test
    void oneXCashuRequestIsOneTraceAcrossGatewayWalletAndBilling() throws Exception {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e" + String.format("%04x", (int) (System.nanoTime() & 0xffff));
        String traceparent = "00-" + traceId + "-00f067aa0ba902b7-01";
        HttpResponse<String> r = post(CHAT, Map.of("X-Cashu", mint.mintToken(100), "traceparent", traceparent));
        assertThat(r.body(), r.statusCode(), is(200));
        assertThat("the upstream continues the trace", upstream.lastRequest().orElseThrow().headers().entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase("traceparent")).map(Map.Entry::getValue).findFirst().orElse(""),
                   containsString(traceId));
        byte[] id = java.util.HexFormat.of().parseHex(traceId);
        for (String service : List.of("gateway", "wallet-service", "billing-service")) {
            awaitTrue(service + " exported a span of trace " + traceId, () -> otlp.exported(service, id));
        }
        assertThat("the wallet's span is the gateway's call to it, not a trace of its own",
                   otlp.exported("wallet-service", java.util.HexFormat.of().parseHex("00f067aa0ba902b7")), is(false));
    }

    @Test
    void metricsMoveByThePaidFlowAndPrometheusReadsThem() throws Exception {
        String origin = mint.url().replaceAll("/+$", "");
        String[] byMint = {"mint", origin};
        Scrape g0 = Scrape.of(gateway.internalPort());
        Scrape w0 = awaitSampled(wallet);
        Scrape b0 = Scrape.of(billing.internalPort());

        HttpResponse<String> served = post(CHAT, Map.of("X-Cashu", mint.mintToken(500)));
        assertThat(served.body(), served.statusCode(), is(200));
        long cost = Long.parseLong(served.headers().firstValue("X-Routstr-Cost-Msats").orElseThrow());
        long change = TokenCodec.decode(served.headers().firstValue("X-Cashu").orElseThrow()).amount() * 1000;
        assertThat(cost, greaterThan(0L));
        HttpResponse<String> refused = post(CHAT.replace("200", "100000"), Map.of("X-Cashu", mint.mintToken(2)));
        assertThat(refused.body(), refused.statusCode(), is(402));
        HttpResponse<String> tooLarge = post("{\"model\":\"standin-gpt\",\"pad\":\"" + "x".repeat(70_000) + "\"}",
                                             Map.of("Authorization", "Bearer sk-nothing"));
        assertThat(tooLarge.body(), tooLarge.statusCode(), is(413));

        awaitTrue("billing settled the served request", () -> delta(b0, Scrape.of(billing.internalPort()),
                                                                  "billing_settled_events_total") == 1);
        // the books gauges are sampled once a second; wait for a sample taken after the change was issued
        Scrape w1 = awaitSampled(wallet);
        Scrape g1 = Scrape.of(gateway.internalPort());
        Scrape b1 = Scrape.of(billing.internalPort());

        String[] chat = {"endpoint", "chat/completions", "model", MODEL};
        assertThat(delta(g0, g1, "gateway_requests_total", "endpoint", "chat/completions", "model", MODEL, "provider", "standin",
                         "status", "200"), is(1.0));
        assertThat(delta(g0, g1, "gateway_requests_total", chat), is(1.0));
        assertThat(delta(g0, g1, "gateway_charged_msat_total", "model", MODEL), is((double) cost));
        assertThat(delta(g0, g1, "gateway_http_responses_total", "code", "200"), is(1.0));
        assertThat(delta(g0, g1, "gateway_http_responses_total", "code", "402"), is(1.0));
        assertThat(delta(g0, g1, "gateway_http_responses_total", "code", "413"), is(1.0));
        assertThat(delta(g0, g1, "gateway_upstream_ttfb_seconds_count", "provider", "standin"), is(1.0));
        assertThat(delta(g0, g1, "gateway_upstream_duration_seconds_count", "provider", "standin"), is(1.0));
        assertThat(delta(g0, g1, "gateway_upstream_failovers_total"), is(0.0));
        assertThat(delta(g0, g1, "gateway_kafka_publish_errors_total"), is(0.0));
        assertThat(g1.value("gateway_reserved_in_flight_msat"), is(0.0));
        assertThat(g1.value("gateway_requests_in_flight"), is(0.0));
        assertThat(g1.value("gateway_outbox_depth"), is(0.0));

        assertThat(delta(b0, b1, "billing_settlement_lag_seconds_count"), is(1.0));
        assertThat(delta(b0, b1, "billing_batch_events_sum"), is(1.0));
        assertThat(delta(b0, b1, "billing_duplicate_events_total"), is(0.0));
        assertThat(delta(b0, b1, "billing_orphans_charged"), is(0.0));

        assertThat(delta(w0, w1, "wallet_redemptions_total", "mint", origin, "outcome", "ok"), is(1.0));
        assertThat("the 402 token was never redeemed", delta(w0, w1, "wallet_redemptions_total"), is(1.0));
        assertThat(delta(w0, w1, "wallet_redeemed_msat_total", byMint), is(500_000.0));
        assertThat(delta(w0, w1, "wallet_payouts_total", "mint", origin, "outcome", "issued"), is(1.0));
        assertThat(delta(w0, w1, "wallet_paid_out_msat_total", "mint", origin, "outcome", "issued"), is((double) change));
        assertThat("a swap to receive and one to pay the change", delta(w0, w1, "wallet_mint_request_seconds_count", byMint),
                   greaterThanOrEqualTo(2.0));
        assertThat(delta(w0, w1, "wallet_mint_errors_total"), is(0.0));
        assertThat(delta(w0, w1, "wallet_proofs_held_msat", byMint), is(500_000.0 - change));
        assertThat(delta(w0, w1, "wallet_held_msat"), is(500_000.0 - change));
        assertThat("the sub-sat remainder stays on the token's key", delta(w0, w1, "wallet_user_balances_msat"),
                   is((double) (500_000 - cost - change)));
        assertThat("the owner earned the cost", delta(w0, w1, "wallet_owner_surplus_msat"), is((double) cost));
        assertThat(w1.value("wallet_pending_payouts"), is(0.0));

        assertNoSecretLabels(g1, w1, b1);
        prometheusQueryReturnsTheChargedMsat(g1.value("gateway_charged_msat_total", "model", MODEL));
        everyMetricTheRulesAndDashboardUseIsExported(g1, w1, b1);
    }

    @Test
    void promtoolAcceptsTheAlertRules() throws Exception {
        Process p = new ProcessBuilder("promtool", "check", "rules", DEPLOY.resolve("prometheus/routstr-rules.yml").toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(out, p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, is(true));
        assertThat(out, containsString("SUCCESS"));
        JsonNode dashboard = Json.parse(Files.readAllBytes(DEPLOY.resolve("grafana/routstr-dashboard.json")));
        assertThat(dashboard.path("panels").size(), greaterThan(5));
    }

    private static void prometheusQueryReturnsTheChargedMsat(double expected) throws Exception {
        assertThat(expected, greaterThan(0.0));
        int port = NodeProcess.freePort();
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: routstr
                    static_configs:
                      - targets: ['127.0.0.1:%d', '127.0.0.1:%d', '127.0.0.1:%d']
                """.formatted(gateway.internalPort(), wallet.internalPort(), billing.internalPort()));
        Process prometheus = new ProcessBuilder("prometheus", "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("tsdb"),
                                                "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        try {
            String query = "http://127.0.0.1:" + port + "/api/v1/query?query="
                           + URLEncoder.encode("gateway_charged_msat_total{model=\"" + MODEL + "\",instance=\"127.0.0.1:"
                                               + gateway.internalPort() + "\"}", StandardCharsets.UTF_8);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            JsonNode result = Json.object();
            while (System.nanoTime() < deadline) {
                result = queryPrometheus(query);
                if (result.size() > 0) {
                    break;
                }
                assertThat(Files.readString(dir.resolve("prometheus.log")), prometheus.isAlive(), is(true));
                Thread.sleep(250);
            }
            assertThat("Prometheus has the series: " + Files.readString(dir.resolve("prometheus.log")), result.size(), is(1));
            assertThat(result.toString(), result.get(0).at("/value/1").asDouble(), is(expected));
        } finally {
            prometheus.destroy();
            prometheus.waitFor(20, TimeUnit.SECONDS);
        }
    }

    private static JsonNode queryPrometheus(String url) throws InterruptedException {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                                               HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? Json.parse(r.body().getBytes(StandardCharsets.UTF_8)).at("/data/result") : Json.object();
        } catch (IOException e) {
            return Json.object();
        }
    }

    private static void everyMetricTheRulesAndDashboardUseIsExported(Scrape... scrapes) throws IOException {
        Set<String> exported = new TreeSet<>();
        for (Scrape s : scrapes) {
            exported.addAll(s.names());
        }
        Set<String> used = new TreeSet<>();
        for (String file : List.of("prometheus/routstr-rules.yml", "grafana/routstr-dashboard.json")) {
            Matcher m = METRIC.matcher(Files.readString(DEPLOY.resolve(file)));
            while (m.find()) {
                used.add(m.group(1));
            }
        }
        assertThat(used.size(), greaterThan(10));
        used.removeAll(exported);
        assertThat("used by the rules or dashboard but not exported", used, is(empty()));
    }

    /** No label value looks like a key, a token or a URL with a path or query. */
    private static void assertNoSecretLabels(Scrape... scrapes) {
        Pattern secret = Pattern.compile("=\"(sk-|cashu[AB]|[^\"]*://[^\"/]+/[^\"]*)");
        for (Scrape s : scrapes) {
            for (String series : s.series().keySet()) {
                if (series.startsWith("gateway_") || series.startsWith("wallet_") || series.startsWith("billing_")) {
                    assertThat(series, secret.matcher(series).find(), is(false));
                }
            }
        }
    }

    private static double delta(Scrape before, Scrape after, String name, String... labels) {
        return after.value(name, labels) - before.value(name, labels);
    }

    /** A scrape of the wallet once its books sample is fresh (taken after this call started). */
    private static Scrape awaitSampled(RunningService service) throws InterruptedException {
        Thread.sleep(1_100);
        return Scrape.of(service.internalPort());
    }

    private static HttpResponse<String> post(String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api + "/v1/chat/completions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        try {
            return HTTP.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 20 s: " + what);
            }
            Thread.sleep(100);
        }
    }
}
