package org.routstr.deploy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;

import org.routstr.common.db.Db;
import org.routstr.common.db.DbSettings;
import org.routstr.common.json.Json;
import org.routstr.common.keys.ApiKeys;
import org.routstr.crypto.cashu.client.CashuWallet;
import org.routstr.crypto.cashu.client.MintClient;
import org.routstr.crypto.cashu.nut00.Token;
import org.routstr.crypto.cashu.nut00.TokenCodec;
import org.routstr.ledger.Account;
import org.routstr.ledger.Ledger;
import org.routstr.standin.StandinUpstream;
import org.routstr.testmint.TestMint;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The containers really run: PostgreSQL, a KRaft broker, the migration Job and every service from the built images, with
 * the environment and memory limits of the single-node overlay (only addresses, the stand-in upstream, the test mint and
 * a fixed BTC price replaced), read-only root file systems, two gateways, and the paid flow across them: token, key,
 * chat on each gateway, billing settles, refund, every msat accounted for. Host networking on 127.0.0.1 only (no bridge).
 * Without a Docker engine or the images the test is skipped with the reason.
 */
class ClusterContainersTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String CHAT = "{\"model\":\"standin-gpt\",\"max_tokens\":100,"
                                       + "\"messages\":[{\"role\":\"user\",\"content\":\"hello from %s\"}]}";
    private static final List<GenericContainer<?>> STARTED = new ArrayList<>();
    private static TestMint mint;
    private static StandinUpstream upstream;
    private static HikariDataSource ds;
    private static Map<String, Integer> ports;
    private static String skipReason;

    @BeforeAll
    static void start() throws Exception {
        String tag = System.getProperty("routstr.image.tag", "0.1.0");
        skipReason = Images.missing(List.of(Images.postgres(), Images.kafka(), "routstr/gateway:" + tag,
                                            "routstr/billing-service:" + tag, "routstr/wallet-service:" + tag,
                                            "routstr/admin-service:" + tag, "routstr/discovery-service:" + tag));
        if (skipReason != null) {
            return;
        }
        mint = TestMint.start();
        upstream = StandinUpstream.start("127.0.0.1", 0);
        ports = new HashMap<>();
        for (String p : List.of("pg", "kafka", "controller", "gateway", "gateway2", "wallet", "billing", "admin", "discovery")) {
            ports.put(p, freePort());
        }
        String dbPassword = HexFormat.of().formatHex(random(12));
        STARTED.add(Images.start(Images.postgres(), Map.of("POSTGRES_USER", "routstr", "POSTGRES_PASSWORD", dbPassword,
                                                           "POSTGRES_DB", "routstr"), 512L << 20,
                                 List.of("-c", "listen_addresses=127.0.0.1", "-c", "port=" + ports.get("pg")),
                                 ".*ready to accept connections.*"));
        STARTED.add(Images.start(Images.kafka(), Map.of("KAFKA_PORT", "" + ports.get("kafka"), "KAFKA_CONTROLLER_PORT",
                                                        "" + ports.get("controller")), 512L << 20, List.of(), ".*Kafka Server started.*"));

        Map<String, Map<String, String>> secrets = Map.of(
                "routstr-db", Map.of("username", "routstr", "password", dbPassword),
                "routstr-internal", Map.of("token", HexFormat.of().formatHex(random(32))),
                "routstr-gateway", Map.of("secret-key", HexFormat.of().formatHex(random(32))),
                "routstr-upstream", Map.of("api-key", "sk-standin-upstream"));
        List<Map<String, Object>> manifests = Manifests.objects(Manifests.render("single-node"));
        Map<String, String> common = Map.of("DB_URL", "jdbc:postgresql://127.0.0.1:" + ports.get("pg") + "/routstr",
                                            "KAFKA_BOOTSTRAP_dash_SERVERS", "127.0.0.1:" + ports.get("kafka"));

        // the migration Job first: the services run with DB_MIGRATE=false and wait for the schema
        ServiceEnv job = ServiceEnv.of(manifests, "Job", "routstr-migrate", secrets).with(Map.of("DB_URL", common.get("DB_URL")), List.of());
        STARTED.add(Images.runToCompletion(job));

        ds = Db.pool(new DbSettings(common.get("DB_URL"), "routstr", dbPassword, 2), "cluster-test");
        STARTED.add(Images.startService(service(manifests, "billing-service", "billing", secrets, common,
                                                Map.of("BILLING_FIXED_dash_USD_dash_PER_dash_BTC", "100000"))));
        CompletableFuture<?>[] others = List.of("wallet-service:wallet", "admin-service:admin", "discovery-service:discovery").stream()
                .map(s -> s.split(":"))
                .map(s -> CompletableFuture.supplyAsync(() -> Images.startService(service(manifests, s[0], s[1], secrets, common,
                        s[0].equals("wallet-service") ? Map.of("WALLET_TRUSTED_dash_MINTS", mint.url()) : Map.of()))))
                .map(f -> f.thenAccept(c -> {
                    synchronized (STARTED) {
                        STARTED.add(c);
                    }
                }))
                .toArray(CompletableFuture[]::new);
        CompletableFuture.allOf(others).join();
        for (String gw : List.of("gateway", "gateway2")) {
            Map<String, String> front = new HashMap<>();
            front.put("GATEWAY_ROUTES_WALLET", "http://127.0.0.1:" + ports.get("wallet"));
            front.put("GATEWAY_ROUTES_ADMIN", "http://127.0.0.1:" + ports.get("admin"));
            front.put("GATEWAY_ROUTES_DISCOVERY", "http://127.0.0.1:" + ports.get("discovery"));
            front.put("GATEWAY_PROVIDERS_0_SLUG", "standin");
            front.put("GATEWAY_PROVIDERS_0_BASE_dash_URL", upstream.url() + "/v1");
            front.put("GATEWAY_PROVIDERS_0_MODELS_0_ID", "standin-gpt");
            front.put("GATEWAY_PROVIDERS_0_MODELS_0_INPUT_dash_USD_dash_PER_dash_M", "2.50");
            front.put("GATEWAY_PROVIDERS_0_MODELS_0_OUTPUT_dash_USD_dash_PER_dash_M", "10.00");
            STARTED.add(Images.startService(service(manifests, "gateway", gw, secrets, common, front)));
        }
    }

    @AfterAll
    static void stop() {
        if (!STARTED.isEmpty()) {
            System.out.println("[cluster-test] peak memory per container (cgroup), limit from the manifests:");
            STARTED.forEach(c -> System.out.println("[cluster-test]   " + Images.memoryReport(c)));
        }
        STARTED.reversed().forEach(GenericContainer::stop);
        if (ds != null) {
            ds.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        if (mint != null) {
            mint.close();
        }
    }

    @Test
    void thePaidFlowRunsAcrossTwoGatewaysOnTheImagesAndConservesMoney() throws Exception {
        assumeTrue(skipReason == null, skipReason);
        String gw1 = "http://127.0.0.1:" + ports.get("gateway");
        String gw2 = "http://127.0.0.1:" + ports.get("gateway2");

        JsonNode created = post(gw1 + "/v1/wallet/create", null, "{\"cashu_token\":\"" + mint.mintToken(1000) + "\"}", 200);
        String key = created.path("api_key").asText();
        assertThat(created.toString(), created.path("balance").asLong(), is(1_000_000L));

        long cost1 = chat(gw1, key, "gateway one");
        long cost2 = chat(gw2, key, "gateway two");
        long expected = 1_000_000L - cost1 - cost2;
        JsonNode balance = awaitSettled(gw2, key, expected);
        assertThat(balance.toString(), balance.path("total_spent").asLong(), is(cost1 + cost2));

        JsonNode refund = post(gw1 + "/v1/wallet/refund", key, "{}", 200);
        long sats = Long.parseLong(refund.path("sats").asText());
        assertThat(refund.toString(), sats, is(expected / 1000));
        Token t = TokenCodec.decode(refund.path("token").asText());
        assertThat(t.mint(), is(mint.url()));
        assertThat(t.amount(), is(sats));
        long received = new CashuWallet(MintClient.create(mint.url())).receive(t, random(64), 0).stream()
                .mapToLong(p -> p.amount()).sum();
        assertThat("the refund is real ecash", received, is(sats));

        Account a = new Ledger(ds).account(ApiKeys.hash(key)).orElseThrow();
        assertThat(a.reservedMsat(), is(0L));
        assertThat(a.balanceMsat(), is(expected % 1000));
        assertThat(ledgerSum(key, "deposit"), is(1_000_000L));
        assertThat(ledgerSum(key, "charge"), is(-(cost1 + cost2)));
        assertThat(ledgerSum(key, "refund"), is(-sats * 1000));
        assertThat("money in = spent + paid out + left", 1_000_000L, is(cost1 + cost2 + sats * 1000 + a.balanceMsat()));
    }

    private static ServiceEnv service(List<Map<String, Object>> manifests, String deployment, String port,
                                      Map<String, Map<String, String>> secrets, Map<String, String> common, Map<String, String> more) {
        Map<String, String> o = new HashMap<>(common);
        o.put("SERVER_PORT", "" + ports.get(port));
        o.put("SERVER_HOST", "127.0.0.1");
        // host networking: every container's internal socket (9090 in the manifests) needs a port of its own here
        o.put("SERVER_INTERNAL_dash_HOST", "127.0.0.1");
        try {
            o.put("SERVER_INTERNAL_dash_PORT", "" + freePort());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        o.putAll(more);
        return ServiceEnv.of(manifests, "Deployment", deployment, secrets)
                .with(o, List.of("SERVER_HOST", "BILLING_FIXED_dash_USD_dash_PER_dash_BTC"));
    }

    private static long chat(String gateway, String key, String who) throws Exception {
        HttpResponse<String> r = send(gateway + "/v1/chat/completions", key, CHAT.formatted(who));
        assertThat(r.body(), r.statusCode(), is(200));
        assertThat(r.body(), Json.mapper().readTree(r.body()).at("/choices/0/message/content").asText(), containsString(who));
        long cost = Long.parseLong(r.headers().firstValue("X-Routstr-Cost-Msats").orElseThrow());
        assertThat(cost, greaterThan(0L));
        return cost;
    }

    private static JsonNode awaitSettled(String gateway, String key, long balance) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode b;
        do {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(gateway + "/v1/wallet/balance"))
                                                       .header("Authorization", "Bearer " + key).GET().build(),
                                               HttpResponse.BodyHandlers.ofString());
            b = Json.mapper().readTree(r.body());
            if (b.path("reserved").asLong(-1) == 0 && b.path("balance").asLong(-1) == balance) {
                return b;
            }
            Thread.sleep(250);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("billing did not settle both requests within 60 s: " + b);
    }

    private static JsonNode post(String url, String bearer, String body, int status) throws Exception {
        HttpResponse<String> r = send(url, bearer, body);
        assertThat(r.body(), r.statusCode(), is(status));
        return Json.mapper().readTree(r.body());
    }

    private static HttpResponse<String> send(String url, String bearer, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long ledgerSum(String key, String kind) {
        return Db.withConnection(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(sum(amount_msat), 0) FROM ledger WHERE account_hash = ? AND kind = ?")) {
                ps.setString(1, ApiKeys.hash(key));
                ps.setString(2, kind);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }
}
