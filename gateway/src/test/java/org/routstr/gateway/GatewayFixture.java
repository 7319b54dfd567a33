package org.routstr.gateway;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.routstr.common.db.Db;
import org.routstr.common.keys.ApiKeys;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.common.server.RunningService;
import org.routstr.ledger.Ledger;
import org.routstr.ledger.NewAccount;
import org.routstr.standin.StandinUpstream;
import org.routstr.testsupport.ServiceSmoke;
import org.routstr.testsupport.TestDb;

/**
 * A gateway on a test database and broker with two stand-in upstreams ("primary" and "backup") serving {@code standin-gpt}
 * at $30/$60 per 1M tokens, BTC pinned at $100,000, and helpers for funded keys and expected msat figures.
 */
public final class GatewayFixture implements AutoCloseable {
    public static final BigDecimal USD_PER_BTC = new BigDecimal("100000");
    public static final BigDecimal FEES = new BigDecimal("1.005").multiply(new BigDecimal("1.10"));
    public final StandinUpstream primary = StandinUpstream.start("127.0.0.1", 0);
    public final StandinUpstream backup = StandinUpstream.start("127.0.0.1", 0);
    public final RunningService gateway;
    public final Ledger ledger;
    public final TestDb db;
    public final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public GatewayFixture(TestDb db, KafkaSettings kafka, Map<String, String> extra) {
        this.db = db;
        this.ledger = new Ledger(db.dataSource());
        Db.withConnection(db.dataSource(), c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO btc_rate (id, usd_per_btc, source) VALUES (1, ?, 'test') ON CONFLICT (id) DO UPDATE SET usd_per_btc = excluded.usd_per_btc")) {
                ps.setBigDecimal(1, USD_PER_BTC);
                return ps.executeUpdate();
            }
        });
        Map<String, String> m = new HashMap<>();
        provider(m, 0, "primary", primary, "10");
        provider(m, 1, "backup", backup, "0");
        // a provider nobody listens for, first in line for standin-mini: every call to it exercises connect-error failover
        m.put("gateway.providers.2.slug", "dead");
        m.put("gateway.providers.2.base-url", "http://127.0.0.1:9/v1");
        m.put("gateway.providers.2.priority", "20");
        m.put("gateway.providers.2.models.0.id", "standin-mini");
        m.put("gateway.providers.2.models.0.input-usd-per-m", "1");
        m.put("gateway.providers.2.models.0.output-usd-per-m", "2");
        m.put("gateway.secret-key", "test-secret");
        m.put("gateway.heartbeat-interval", "PT0.2S");
        m.put("gateway.outbox-interval", "PT0.5S");
        m.putAll(extra);
        this.gateway = Main.start(ServiceSmoke.config(db, kafka, m));
    }

    private static void provider(Map<String, String> m, int i, String slug, StandinUpstream s, String priority) {
        String p = "gateway.providers." + i + ".";
        m.put(p + "slug", slug);
        m.put(p + "base-url", s.url() + "/v1");
        m.put(p + "api-key", "sk-upstream-" + slug + "-secret");
        m.put(p + "priority", priority);
        String md = p + "models.0.";
        m.put(md + "id", "standin-gpt");
        m.put(md + "aliases.0", "gpt-alias");
        m.put(md + "input-usd-per-m", "30");
        m.put(md + "output-usd-per-m", "60");
        m.put(md + "cache-read-usd-per-m", "15");
        m.put(md + "context-length", "8000");
        m.put(md + "max-completion-tokens", "1000");
        String e = p + "models.1.";
        m.put(e + "id", "standin-embed");
        m.put(e + "input-usd-per-m", "0.1");
        m.put(e + "output-usd-per-m", "0");
        String img = p + "models.2.";
        m.put(img + "id", "standin-image");
        m.put(img + "image-usd", "0.04");
        m.put(img + "input-usd-per-m", "5");
        String mini = p + "models.4.";
        m.put(mini + "id", "standin-mini");
        m.put(mini + "input-usd-per-m", "1");
        m.put(mini + "output-usd-per-m", "2");
        String au = p + "models.3.";
        m.put(au + "id", "whisper-1");
        m.put(au + "request-usd", "0.006");
    }

    /** A new key with {@code msat} on its account. */
    public String fundedKey(long msat) {
        String key = ApiKeys.newKey();
        String hash = ApiKeys.hash(key);
        ledger.open(NewAccount.of(hash));
        if (msat > 0) {
            ledger.credit(hash, msat, "test-deposit:" + hash, "test");
        }
        return key;
    }

    /** msat for {@code tokens} at {@code usdPerM}, by the documented formula (ceil per component). */
    public static long msat(long tokens, String usdPerM) {
        if (tokens == 0) {
            return 0;
        }
        BigDecimal usd = new BigDecimal(usdPerM).multiply(BigDecimal.valueOf(tokens)).divide(BigDecimal.valueOf(1_000_000));
        return usd.multiply(FEES).multiply(BigDecimal.valueOf(100_000_000_000L)).divide(USD_PER_BTC, 0, RoundingMode.CEILING)
                .longValueExact();
    }

    public String url() {
        return "http://127.0.0.1:" + gateway.port();
    }

    public HttpResponse<String> post(String path, String key, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(30))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("authorization", "Bearer " + key);
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url() + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    public long available(String key) {
        return ledger.account(ApiKeys.hash(key)).orElseThrow().availableMsat();
    }

    @Override
    public void close() {
        gateway.stop();
        primary.close();
        backup.close();
    }
}
