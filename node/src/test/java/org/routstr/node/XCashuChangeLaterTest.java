package org.routstr.node;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.routstr.common.db.Db;
import org.routstr.common.json.Json;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.common.keys.ApiKeys;
import org.routstr.common.server.RunningService;
import org.routstr.crypto.cashu.client.CashuWallet;
import org.routstr.crypto.cashu.client.MintClient;
import org.routstr.crypto.cashu.nut00.Token;
import org.routstr.crypto.cashu.nut00.TokenCodec;
import org.routstr.crypto.cashu.nut07.ProofStateValue;
import org.routstr.ledger.Account;
import org.routstr.ledger.Ledger;
import org.routstr.standin.StandinUpstream;
import org.routstr.testmint.TestMint;
import org.routstr.testsupport.RealInfra;
import org.routstr.testsupport.TestDb;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

/**
 * X-Cashu change that could not be handed over with the response stays fetchable with the original token: the real gateway,
 * wallet-service, billing, test mint and stand-in upstream. Billing starts only after the first request, so the wallet
 * cannot make its change in time (it waits {@code wallet.change-wait}, 1 s, for the settlement).
 */
@RealInfra
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class XCashuChangeLaterTest {
    private static final Duration SETTLE = Duration.ofSeconds(15);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String CHAT = "{\"model\":\"standin-gpt\",\"max_tokens\":200,"
                                       + "\"messages\":[{\"role\":\"user\",\"content\":\"change me later\"}]}";
    private static final List<RunningService> SERVICES = new ArrayList<>();
    private static TestMint mint;
    private static StandinUpstream upstream;
    private static ServiceConfigs configs;
    private static DataSource ds;
    private static Ledger ledger;
    private static String api;

    @BeforeAll
    static void start(TestDb db, KafkaSettings kafka) {
        mint = TestMint.start();
        upstream = StandinUpstream.start("127.0.0.1", 0);
        ds = db.dataSource();
        ledger = new Ledger(ds);
        Map<String, String> shared = Map.of("db.url", db.settings().url(), "db.user", db.settings().user(),
                                            "db.password", db.settings().password(),
                                            "kafka.bootstrap-servers", kafka.bootstrapServers(), "internal.token", "later-change-secret");
        Map<String, String> defaults = new HashMap<>();
        defaults.put("wallet.trusted-mints", mint.url());
        defaults.put("wallet.mint-timeout", "PT5S");
        defaults.put("wallet.change-wait", "PT1S");
        defaults.put("billing.fixed-usd-per-btc", DemoMode.DEMO_USD_PER_BTC);
        defaults.put("billing.consumer.group", "billing-later-change");
        defaults.put("gateway.secret-key", "later-change-secret-key");
        defaults.put("gateway.providers.0.slug", "standin");
        defaults.put("gateway.providers.0.base-url", upstream.url() + "/v1");
        defaults.put("gateway.providers.0.models.0.id", "standin-gpt");
        defaults.put("gateway.providers.0.models.0.input-usd-per-m", "2.50");
        defaults.put("gateway.providers.0.models.0.output-usd-per-m", "10.00");
        configs = new ServiceConfigs(Optional.empty(), shared, defaults);
        // the rate billing would store; billing itself starts later
        Db.withConnection(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO btc_rate (id, usd_per_btc, source) VALUES (1, ?, 'test') "
                                                           + "ON CONFLICT (id) DO UPDATE SET usd_per_btc = excluded.usd_per_btc")) {
                ps.setBigDecimal(1, new BigDecimal(DemoMode.DEMO_USD_PER_BTC));
                return ps.executeUpdate();
            }
        });
        RunningService wallet = org.routstr.wallet.Main.start(configs.compose(org.routstr.wallet.Main.class, loopback()));
        SERVICES.add(wallet);
        Map<String, String> front = loopback();
        front.put("gateway.routes.wallet", "http://127.0.0.1:" + wallet.port());
        front.put("gateway.routes.admin", "http://127.0.0.1:9");
        front.put("gateway.routes.discovery", "http://127.0.0.1:9");
        RunningService gateway = org.routstr.gateway.Main.start(configs.compose(org.routstr.gateway.Main.class, front));
        SERVICES.add(gateway);
        api = "http://127.0.0.1:" + gateway.port();
    }

    @AfterAll
    static void stop() {
        for (RunningService s : SERVICES.reversed()) {
            s.stop();
        }
        if (upstream != null) {
            upstream.close();
        }
        if (mint != null) {
            mint.close();
        }
    }

    @Test
    @Order(1)
    void changeNotReadyWithTheResponseIsFetchableLaterWithTheOriginalToken() throws Exception {
        String token = mint.mintToken(500);
        HttpResponse<String> r = post("/v1/chat/completions", CHAT, token);
        assertThat(r.body(), r.statusCode(), is(200));
        assertThat(Json.mapper().readTree(r.body()).at("/choices/0/message/content").asText(), containsString("change me later"));
        assertThat("no change yet: billing has not settled", r.headers().firstValue("X-Cashu").isPresent(), is(false));
        long cost = Long.parseLong(r.headers().firstValue("X-Routstr-Cost-Msats").orElseThrow());

        SERVICES.add(org.routstr.billing.Main.start(configs.compose(org.routstr.billing.Main.class, loopback())));
        String hash = ApiKeys.hash(token);
        awaitTrue("settled", () -> count("SELECT count(*) FROM reservations WHERE key_hash = ? AND status = 'active'", hash) == 0);

        HttpResponse<String> later = post("/v1/balance/refund", "{}", token);
        assertThat(later.body(), later.statusCode(), is(200));
        Token change = TokenCodec.decode(Json.mapper().readTree(later.body()).path("token").asText());
        assertThat(change.amount(), is((500_000 - cost) / 1000));
        assertThat(states(change), is(List.of(ProofStateValue.UNSPENT)));
        Account a = ledger.account(hash).orElseThrow();
        assertThat(a.balanceMsat(), is((500_000 - cost) % 1000));
        assertThat(a.spentMsat(), is(cost));
        HttpResponse<String> again = post("/v1/balance/refund", "{}", token);
        assertThat("the same token again, no second payout", Json.mapper().readTree(again.body()).path("token").asText(),
                   is(Json.mapper().readTree(later.body()).path("token").asText()));
        assertThat(ledger.account(hash).orElseThrow().balanceMsat(), is((500_000 - cost) % 1000));
    }

    @Test
    @Order(2)
    void anAbortedStreamIssuesItsChangeFetchableWithTheOriginalToken() throws Exception {
        String token = mint.mintToken(300);
        String hash = ApiKeys.hash(token);
        HttpRequest req = HttpRequest.newBuilder(URI.create(api + "/v1/chat/completions")).header("X-Cashu", token)
                .header("Content-Type", "application/json").header("x-standin-mode", "slow").header("x-standin-delay-ms", "50")
                .POST(HttpRequest.BodyPublishers.ofString(CHAT.replace("\"max_tokens\"", "\"stream\":true,\"max_tokens\""))).build();
        HttpResponse<InputStream> r = HTTP.send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode(), is(200));
        try (BufferedReader rd = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String line;
            do {
                line = rd.readLine();
            } while (line != null && !line.startsWith("data: {"));
        }
        // the gateway asks for the change of this very request once the stream ends, client or not
        awaitTrue("change issued for the reservation", () -> count(
                "SELECT count(*) FROM wallet_tokens_out o JOIN reservations r ON o.id = 'x-cashu-change:' || r.id "
                + "WHERE r.key_hash = ? AND o.state = 'issued'", hash) == 1);
        HttpResponse<String> later = post("/v1/balance/refund", "{}", token);
        assertThat(later.body(), later.statusCode(), is(200));
        Token change = TokenCodec.decode(Json.mapper().readTree(later.body()).path("token").asText());
        long charged = count("SELECT coalesce(sum(charged_msat), 0) FROM reservations WHERE key_hash = ?", hash);
        assertThat(charged, greaterThan(0L));
        assertThat(change.amount(), is((300_000 - charged) / 1000));
        assertThat(states(change), is(List.of(ProofStateValue.UNSPENT)));
    }

    private static Map<String, String> loopback() {
        return new HashMap<>(Map.of("server.host", "127.0.0.1", "server.port", "0"));
    }

    private static List<ProofStateValue> states(Token t) {
        return new CashuWallet(MintClient.create(mint.url())).checkState(t.proofs()).stream().map(s -> s.state()).distinct().toList();
    }

    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + SETTLE + ": " + what);
            }
            Thread.sleep(50);
        }
    }

    private static long count(String sql, String arg) {
        return Db.withConnection(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, arg);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    private static HttpResponse<String> post(String path, String body, String xCashu) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(30))
                                     .header("Content-Type", "application/json").header("X-Cashu", xCashu)
                                     .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
