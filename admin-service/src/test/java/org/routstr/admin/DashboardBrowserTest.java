package org.routstr.admin;

import java.io.File;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import org.routstr.admin.auth.Authenticator;
import org.routstr.common.db.Db;
import org.routstr.common.json.Json;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.common.keys.ApiKeys;
import org.routstr.common.server.RunningService;
import org.routstr.standin.StandinUpstream;
import org.routstr.testmint.TestMint;
import org.routstr.testsupport.RealInfra;
import org.routstr.testsupport.ServiceSmoke;
import org.routstr.testsupport.TestDb;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.startsWith;

/**
 * The dashboard at {@code /admin/} in Debian's headless Chromium (src/test/js/dashboard.mjs) on a node of real services:
 * billing, wallet, admin and a gateway on PostgreSQL and Kafka, the real-crypto test mint and the stand-in upstream.
 * Keys are funded with eCash and serve paid requests first, so every tab shows real data; screenshots of every tab at
 * 1440 and 390 px go to {@code target/screenshots/}.
 */
@RealInfra
class DashboardBrowserTest {
    private static final long LN_SATS = 50;
    private static final String INTERNAL = "dashboard-internal-token-0123";
    private static final BigDecimal FEES = new BigDecimal("1.005").multiply(new BigDecimal("1.10"));
    private static final BigDecimal USD_PER_BTC = new BigDecimal("100000");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void anOperatorRunsTheNodeFromTheBrowser(TestDb db, KafkaSettings kafka) throws Exception {
        try (TestMint mint = TestMint.start(); StandinUpstream upstream = StandinUpstream.start("127.0.0.1", 0)) {
            RunningService billing = org.routstr.billing.Main.start(ServiceSmoke.config(db, kafka, Map.of(
                    "billing.fixed-usd-per-btc", USD_PER_BTC.toPlainString(), "billing.consumer.group", "billing-dashboard-test")));
            RunningService wallet = org.routstr.wallet.Main.start(ServiceSmoke.config(db, kafka, Map.of("wallet.trusted-mints", mint.url(),
                    "wallet.allowed-hosts", "127.0.0.1", "internal.token", INTERNAL)));
            RunningService admin = Main.start(ServiceSmoke.config(db, kafka, Map.of("admin.auth.argon2.memory-kib", "1024",
                    "admin.auth.argon2.iterations", "1", "gateway.secret-key", "dashboard-secret",
                    "admin.wallet-url", "http://127.0.0.1:" + wallet.port(), "internal.token", INTERNAL)));
            String otp = Authenticator.takeFirstPassword().orElseThrow();
            RunningService gateway = org.routstr.gateway.Main.start(ServiceSmoke.config(db, kafka, Map.ofEntries(
                    Map.entry("gateway.providers.0.slug", "standin"), Map.entry("gateway.providers.0.base-url", upstream.url() + "/v1"),
                    Map.entry("gateway.providers.0.models.0.id", "standin-gpt"),
                    Map.entry("gateway.providers.0.models.0.input-usd-per-m", "30"),
                    Map.entry("gateway.providers.0.models.0.output-usd-per-m", "60"),
                    Map.entry("gateway.secret-key", "dashboard-secret"), Map.entry("internal.token", INTERNAL),
                    Map.entry("gateway.routes.admin", "http://127.0.0.1:" + admin.port()),
                    Map.entry("gateway.routes.wallet", "http://127.0.0.1:" + wallet.port()))));
            try {
                run(db, mint, "http://127.0.0.1:" + gateway.port(), otp);
            } finally {
                gateway.stop();
                admin.stop();
                wallet.stop();
                billing.stop();
            }
        }
    }

    private void run(TestDb db, TestMint mint, String base, String otp) throws Exception {
        String keyA = wallet(base, mint.mintToken(2000));
        String keyB = wallet(base, mint.mintToken(1000));
        for (int i = 0; i < 6; i++) {
            wallet(base, mint.mintToken(100 + i * 50));
        }
        long oldCost = 0;
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = chat(base, keyA);
            assertThat(r.body(), r.statusCode(), is(200));
            oldCost = Long.parseLong(r.headers().firstValue("x-routstr-cost-msats").orElseThrow());
        }
        assertThat(chat(base, keyB).statusCode(), is(200));
        String hashA = ApiKeys.hash(keyA);
        await("billing settles the requests", () -> scalar(db, "SELECT coalesce(sum(requests), 0) FROM usage_hourly") >= 6
                && scalar(db, "SELECT count(*) FROM reservations WHERE status = 'reserved'") == 0);
        // a record carrying one of key A's request ids, as the gateway writes on an overrun, for the Sessions → Logs link
        String reqId = text(db, "SELECT CAST(id AS text) FROM reservations WHERE key_hash = '" + hashA + "' ORDER BY created_at LIMIT 1");
        System.getLogger("org.routstr.gateway.proxy.Metering").log(System.Logger.Level.WARNING,
                "upstream overran the reservation: request_id=" + reqId + " (dashboard test)");

        Path shots = Path.of("target/screenshots").toAbsolutePath();
        // an invoice of another mint's fake Lightning, for the Withdraw tab's Lightning payout
        TestMint payee = TestMint.builder().autoPayMintQuotes(false).start();
        var payeeQuote = new org.routstr.crypto.cashu.client.CashuWallet(
                org.routstr.crypto.cashu.client.MintClient.create(payee.url())).requestMintQuote(LN_SATS, "sat");
        JsonNode seen;
        try {
            seen = script(Map.ofEntries(Map.entry("BASE_URL", base), Map.entry("OTP", otp),
                Map.entry("NEW_PASSWORD", "a long dashboard password"), Map.entry("MINT_URL", mint.url()),
                Map.entry("KEY_A", keyA), Map.entry("HASH_A", hashA), Map.entry("KEY_B", keyB), Map.entry("HASH_B", ApiKeys.hash(keyB)),
                Map.entry("REQ_ID", reqId), Map.entry("OLD_COST", String.valueOf(oldCost)), Map.entry("NEW_IN", "90"),
                Map.entry("NEW_OUT", "180"), Map.entry("WITHDRAW_SATS", "400"), Map.entry("LN_INVOICE", payeeQuote.request()),
                Map.entry("SHOTS", shots.toString())));
            assertThat("one owner Lightning payout of the invoice, paid at the node's mint: " + seen.path("lnPaid"),
                       scalar(db, "SELECT count(*) FROM wallet_tokens_out WHERE kind = 'owner_ln' AND state = 'issued' AND amount = "
                                  + LN_SATS + " AND recipient = '" + payeeQuote.request() + "'"), is(1L));
        } finally {
            payee.close();
        }

        System.out.println("dashboard layout shift per tab: " + seen.path("cls"));
        assertThat("the layout-shift measure sees a shift", seen.path("clsProbe").asDouble(), greaterThan(0.05));
        assertThat(seen.path("shortPasswordError").asText(), containsString("12"));
        assertThat(seen.path("priceExample").asText(), containsString("$30 × 1.005 × 1.10 = $33.17 per 1M"));
        assertThat(seen.path("priceExampleEdited").asText(), containsString("$30 × 1.005 × 1.2 = $36.18 per 1M"));
        assertThat(seen.path("npubError").asText().isEmpty(), is(false));
        assertThat(seen.path("mintTest").asText(), startsWith("reachable"));
        assertThat(seen.path("mintsAfterRemove").size(), is(0));
        // the overview's exact figures: the users' 3,000 + 6 × 225 sats less what was spent is all in the one mint
        List<String> figures = Json.mapper().convertValue(seen.path("figures"), Json.mapper().getTypeFactory()
                .constructCollectionType(List.class, String.class));
        assertThat(figures.getFirst(), is(String.format(java.util.Locale.US, "%,d msat", 4_350_000L)));
        assertThat(seen.path("mintCards").toString(), containsString("online"));
        assertThat(seen.path("topModels").toString(), containsString("standin-gpt"));
        assertThat(seen.path("chartBars").asInt(), is(3 * 24));

        // the edited price: 90/180 per 1M instead of 30/60 (fees 1.005 × 1.10, BTC at $100,000)
        JsonNode priced = seen.path("priced");
        assertThat(priced.toString(), priced.path("status").asInt(), is(200));
        long expected = msat(priced.at("/usage/prompt_tokens").asLong(), "90") + msat(priced.at("/usage/completion_tokens").asLong(), "180");
        assertThat(priced.toString(), priced.path("cost").asLong(), is(expected));
        assertThat(seen.path("customBadge").asText(), is("custom"));
        assertThat(seen.path("importMessage").asText(), containsString("Imported"));

        assertThat(seen.path("revokeMessage").asText(), containsString("moved to your balance"));
        assertThat("the revoked key's next request is refused", seen.path("revokedStatus").asInt(), is(401));
        assertThat(seen.path("sessionRows").asInt(), is(8));
        assertThat(seen.path("recentRequests").asInt(), greaterThan(5));
        assertThat(seen.path("logsRequestIdField").asText(), is(reqId));
        assertThat(seen.path("logsForRequest").asInt(), is(1));
        assertThat(seen.path("searchRows").asInt(), greaterThan(0));

        // the token is real eCash of the test mint: it redeems once, for 400 sats
        String token = seen.path("token").asText();
        assertThat(token, startsWith("cashu"));
        assertThat(seen.path("copied").asText(), is(token));
        assertThat(seen.path("qr").path("width").asInt(), is(256));
        // the Lightning form is usable exactly when the API has the payout route (engineer admin's POST /withdraw/lightning)
        assertThat(seen.path("lightningRoute").asInt(), is(200));
        assertThat(seen.toString(), seen.path("lightningDisabled").asBoolean(), is(false));
        assertThat(seen.path("lightningNote").asText(), containsString("Pays your profit"));
        assertThat(seen.path("lnPaid").asText(), containsString("Paid " + LN_SATS + " sats"));
        assertThat(seen.path("lnHistory").asText(), containsString("paid"));
        assertThat("a paid payout is shown as done, not in the warning style", seen.path("lnPaidLooksDone").asInt(), is(1));
        for (JsonNode pair : seen.path("fieldPairs")) { // before the fix the address field stood 20 px lower and 20 px taller
            assertThat(pair + " start at one height", pair.path("top").asDouble(), lessThanOrEqualTo(1.0));
            assertThat(pair + " are as tall", pair.path("height").asDouble(), lessThanOrEqualTo(1.0));
        }
        assertThat(seen.path("fieldPairs").size(), is(2));
        HttpResponse<String> redeemed = post(base, "/v1/wallet/create", Json.object().put("cashu_token", token).toString());
        assertThat(redeemed.body(), redeemed.statusCode(), is(200));
        assertThat(Json.mapper().readTree(redeemed.body()).path("balance").asLong(), is(400_000L));
        HttpResponse<String> again = post(base, "/v1/wallet/create", Json.object().put("cashu_token", token).toString());
        assertThat("the same token again is the same key, not new money: " + again.body(),
                   Json.mapper().readTree(again.body()).path("api_key").asText(), is(Json.mapper().readTree(redeemed.body()).path("api_key").asText()));

        assertThat(seen.path("welcome").asText(), containsString("Password changed"));
        assertThat("the page does not jump when the welcome message goes; shifts " + seen.path("shiftsBannerGone"),
                   seen.path("clsBannerGone").asDouble(-1), allOf(greaterThanOrEqualTo(0.0), lessThanOrEqualTo(0.01)));
        JsonNode lnOverflow = seen.at("/overflow/withdraw-lightning-1440");
        assertThat("a long invoice in the payment message wraps: " + lnOverflow, lnOverflow.isInt() && lnOverflow.asInt() <= 0, is(true));
        for (String t : List.of("overview", "sessions", "models", "settings", "withdraw", "logs")) {
            for (String w : List.of("1440", "390")) {
                assertThat(t + "-" + w + " has no horizontal overflow", seen.at("/overflow/" + t + "-" + w).asInt(), lessThanOrEqualTo(0));
                assertThat(Files.size(shots.resolve(t + "-" + w + ".png")), greaterThan(10_000L));
                assertThat(t + "-" + w + " content does not jump while it loads; shifts " + seen.at("/shifts/" + t + "-" + w),
                           seen.at("/cls/" + t + "-" + w).asDouble(),
                           lessThanOrEqualTo(0.1));
            }
        }
        for (String t : List.of("overview", "sessions", "models", "settings", "withdraw", "logs")) {
            assertThat(t + " does not jump while its data arrives late", seen.at("/clsSlow/" + t).asDouble(-1),
                       allOf(greaterThanOrEqualTo(0.0), lessThanOrEqualTo(0.1)));
        }
        assertThat(seen.path("expiredMessage").asText(), containsString("session has ended"));
        assertThat(seen.path("wrongPassword").asText().isEmpty(), is(false));
        assertThat(seen.path("logoutMessage").asText(), containsString("logged out"));
        assertThat(seen.path("afterLogout").asInt(), is(401));
        assertThat(seen.path("consoleErrors").toString(), seen.path("consoleErrors").size(), is(0));
        assertThat(seen.path("steps").toString(), seen.path("steps").size(), is(10));
    }

    private static long msat(long tokens, String usdPerM) {
        BigDecimal usd = new BigDecimal(usdPerM).multiply(BigDecimal.valueOf(tokens)).divide(BigDecimal.valueOf(1_000_000));
        return usd.multiply(FEES).multiply(BigDecimal.valueOf(100_000_000_000L)).divide(USD_PER_BTC, 0, RoundingMode.CEILING).longValueExact();
    }

    private String wallet(String base, String token) throws Exception {
        HttpResponse<String> r = post(base, "/v1/wallet/create", Json.object().put("cashu_token", token).toString());
        assertThat(r.body(), r.statusCode(), is(200));
        return Json.mapper().readTree(r.body()).path("api_key").asText();
    }

    private HttpResponse<String> chat(String base, String key) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions")).timeout(Duration.ofSeconds(30))
                .header("content-type", "application/json").header("authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"standin-gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hello dashboard\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String base, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long scalar(TestDb db, String sql) {
        return Long.parseLong(text(db, sql));
    }

    private static String text(TestDb db, String sql) {
        return Db.withConnection(db.dataSource(), c -> {
            try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        });
    }

    private static void await(String what, java.util.function.BooleanSupplier ok) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!ok.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out: " + what);
            }
            Thread.sleep(100);
        }
    }

    /** Runs dashboard.mjs with node (installing its pinned packages when node_modules is missing); its last line is JSON. */
    private static JsonNode script(Map<String, String> env) throws Exception {
        Path dir = Path.of("src/test/js").toAbsolutePath();
        if (!Files.isDirectory(dir.resolve("node_modules"))) {
            Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(new File("target/npm-install.log")).start();
            assertThat("npm ci in " + dir + " (see target/npm-install.log)", npm.waitFor(300, TimeUnit.SECONDS) && npm.exitValue() == 0, is(true));
        }
        Path err = Files.createTempFile("dashboard-err", ".txt");
        Path out = Files.createTempFile("dashboard-out", ".json");
        try {
            ProcessBuilder pb = new ProcessBuilder("node", "dashboard.mjs").directory(dir.toFile()).redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(150, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("dashboard.mjs timed out: " + Files.readString(err));
            }
            System.out.println(Files.readString(err));
            if (p.exitValue() != 0) {
                throw new AssertionError("dashboard.mjs exited " + p.exitValue() + ": " + Files.readString(err));
            }
            List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
            return Json.parse(lines.getLast().getBytes(StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(err);
            Files.deleteIfExists(out);
        }
    }
}
