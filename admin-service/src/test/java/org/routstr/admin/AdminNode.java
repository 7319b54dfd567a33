package org.routstr.admin;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.routstr.admin.auth.Authenticator;
import org.routstr.common.db.Db;
import org.routstr.common.json.Json;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.common.keys.ApiKeys;
import org.routstr.common.server.RunningService;
import org.routstr.ledger.Ledger;
import org.routstr.ledger.NewAccount;
import org.routstr.standin.StandinUpstream;
import org.routstr.testsupport.ServiceSmoke;
import org.routstr.testsupport.TestDb;

/**
 * admin-service behind two gateway replicas (one test JVM, one database and broker), a stand-in upstream serving
 * {@code standin-gpt} at $30/$60 per 1M tokens, BTC at $100,000; HTTP helpers that keep the session cookie.
 */
final class AdminNode implements AutoCloseable {
    static final BigDecimal USD_PER_BTC = new BigDecimal("100000");
    final StandinUpstream upstream = StandinUpstream.start("127.0.0.1", 0);
    final RunningService admin;
    final RunningService gateway1;
    final RunningService gateway2;
    final String firstPassword;
    final Ledger ledger;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static final String INTERNAL = "admin-test-internal-token-0123";
    /** The admin npub's key (NIP-98 login). */
    static final org.routstr.nostr.Keys ADMIN_NOSTR = org.routstr.nostr.Keys.generate();
    final org.routstr.testmint.TestMint mint = org.routstr.testmint.TestMint.start();
    final RunningService wallet;

    AdminNode(TestDb db, KafkaSettings kafka) {
        ledger = new Ledger(db.dataSource());
        Db.withConnection(db.dataSource(), c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO btc_rate (id, usd_per_btc, source) VALUES (1, ?, 'test') "
                                                           + "ON CONFLICT (id) DO UPDATE SET usd_per_btc = excluded.usd_per_btc")) {
                ps.setBigDecimal(1, USD_PER_BTC);
                return ps.executeUpdate();
            }
        });
        wallet = org.routstr.wallet.Main.start(ServiceSmoke.config(db, kafka, Map.of("wallet.trusted-mints", mint.url(),
                "internal.token", INTERNAL)));
        // a cheap work factor keeps the many logins of the tests fast; PasswordHasherTest measures the real one
        admin = Main.start(ServiceSmoke.config(db, kafka, Map.of("admin.auth.argon2.memory-kib", "1024",
                "admin.auth.argon2.iterations", "1", "gateway.secret-key", "test-secret",
                "admin.wallet-url", "http://127.0.0.1:" + wallet.port(), "internal.token", INTERNAL,
                "admin.auth.nostr-npub", ADMIN_NOSTR.npub())));
        firstPassword = Authenticator.takeFirstPassword().orElseThrow();
        gateway1 = org.routstr.gateway.Main.start(ServiceSmoke.config(db, kafka, gatewayConfig()));
        gateway2 = org.routstr.gateway.Main.start(ServiceSmoke.config(db, kafka, gatewayConfig()));
    }

    private Map<String, String> gatewayConfig() {
        Map<String, String> m = new HashMap<>();
        m.put("gateway.providers.0.slug", "standin");
        m.put("gateway.providers.0.base-url", upstream.url() + "/v1");
        m.put("gateway.providers.0.models.0.id", "standin-gpt");
        m.put("gateway.providers.0.models.0.input-usd-per-m", "30");
        m.put("gateway.providers.0.models.0.output-usd-per-m", "60");
        m.put("gateway.secret-key", "test-secret");
        m.put("gateway.routes.admin", "http://127.0.0.1:" + admin.port());
        m.put("gateway.routes.wallet", "http://127.0.0.1:" + wallet.port());
        m.put("internal.token", INTERNAL);
        // long on purpose: a change must arrive through the control topic, not the periodic re-read
        m.put("gateway.settings-refresh-interval", "PT120S");
        return m;
    }

    String gw1() {
        return "http://127.0.0.1:" + gateway1.port();
    }

    String gw2() {
        return "http://127.0.0.1:" + gateway2.port();
    }

    String fundedKey(long msat) {
        String key = ApiKeys.newKey();
        String hash = ApiKeys.hash(key);
        ledger.open(NewAccount.of(hash));
        ledger.credit(hash, msat, "test-deposit:" + hash, "test");
        return key;
    }

    /** A logged-in admin session (cookie + CSRF token). */
    record Session(String cookie, String csrf) {
    }

    /** Logs in with the one-time password, replaces it, and logs in again with the new one. */
    Session ownerSession(String newPassword) throws Exception {
        HttpResponse<String> r = send(gw1(), "POST", "/admin/api/auth/login", null, Json.object().put("password", firstPassword));
        Session otp = session(r);
        send(gw1(), "POST", "/admin/api/auth/password", otp, Json.object().put("current_password", firstPassword)
                .put("new_password", newPassword));
        return login(newPassword);
    }

    Session login(String password) throws Exception {
        return session(send(gw1(), "POST", "/admin/api/auth/login", null, Json.object().put("password", password)));
    }

    static Session session(HttpResponse<String> login) throws Exception {
        if (login.statusCode() != 200) {
            throw new AssertionError("login failed: " + login.statusCode() + " " + login.body());
        }
        String setCookie = login.headers().firstValue("set-cookie").orElseThrow();
        return new Session(setCookie.substring(0, setCookie.indexOf(';')), Json.mapper().readTree(login.body()).path("csrf_token").asText());
    }

    HttpResponse<String> send(String base, String method, String path, Session s, JsonNode body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("content-type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.toString()));
        if (s != null) {
            b.header("cookie", s.cookie()).header("x-csrf-token", s.csrf());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> chat(String base, String key) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions")).timeout(Duration.ofSeconds(30))
                .header("content-type", "application/json").header("authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model":"standin-gpt","messages":[{"role":"user","content":"say hello to me"}]}""")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        gateway1.stop();
        gateway2.stop();
        admin.stop();
        wallet.stop();
        mint.close();
        upstream.close();
    }
}
