package org.routstr.wallet;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.routstr.common.db.Db;
import org.routstr.common.json.Json;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.common.server.RunningService;
import org.routstr.crypto.cashu.nut00.Token;
import org.routstr.crypto.cashu.nut00.TokenCodec;
import org.routstr.testmint.TestMint;
import org.routstr.testsupport.RealInfra;
import org.routstr.testsupport.ServiceSmoke;
import org.routstr.testsupport.TestDb;
import org.routstr.wallet.mint.KeyWrap;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * Issue 12 at the wallet's HTTP API: tokens naming private or unknown mints are refused alike, a spent foreign token makes
 * the node do nothing at the primary mint, and a database dump does not yield Lightning-bought keys.
 */
@RealInfra
class WalletSecurityTest {
    private static TestMint mint;
    private static TestMint foreign;
    private static HttpServer proxy;
    private static final AtomicInteger primaryQuotes = new AtomicInteger();
    private static RunningService wallet;
    private static DataSource ds;

    @BeforeAll
    static void start(TestDb db, KafkaSettings kafka) throws IOException {
        mint = TestMint.start();
        foreign = TestMint.builder().seed("security-foreign").start();
        proxy = countingProxy(mint.url());
        ds = db.dataSource();
        wallet = Main.start(ServiceSmoke.config(db, kafka, Map.of("wallet.trusted-mints",
                "http://127.0.0.1:" + proxy.getAddress().getPort(), "internal.token", Client.INTERNAL,
                "wallet.mint-timeout", "PT5S", "wallet.allowed-hosts", "127.0.0.1")));
    }

    @AfterAll
    static void stop() {
        wallet.stop();
        proxy.stop(0);
        mint.close();
        foreign.close();
    }

    @Test
    void tokensNamingPrivateMetadataOrUnknownMintsGetOneAnswer() {
        Token real = TokenCodec.decode(foreign.mintToken(64));
        Set<String> bodies = new HashSet<>();
        int quotes = primaryQuotes.get();
        for (String url : List.of("http://169.254.169.254/latest/meta-data/iam?x=", "https://169.254.169.254", "http://10.0.0.1:8080",
                                  "https://localhost:5432", "https://192.168.0.1", "https://no-such-mint.invalid",
                                  "http://mint.example.com")) {
            String token = TokenCodec.encodeV4(new Token(url, "sat", real.proofs()));
            Client.Res r = Client.post(wallet.port(), "/v1/wallet/create", Map.of("cashu_token", token));
            assertThat(url + " " + r.raw().body(), r.status(), is(400));
            assertThat(url, r.code(), is("cashu_mint_not_allowed"));
            ObjectNode b = r.body().deepCopy();
            b.remove("request_id");
            bodies.add(b.toString());
        }
        assertThat(bodies.toString(), bodies.size(), is(1));
        assertThat(primaryQuotes.get() - quotes, is(0));
    }

    @Test
    void aSpentForeignTokenCostsNoQuoteAtThePrimaryMint() {
        Token t = TokenCodec.decode(foreign.mintToken(100));
        foreign.markPending(t.proofs());
        int before = primaryQuotes.get();
        Client.Res r = Client.post(wallet.port(), "/v1/wallet/create", Map.of("cashu_token", TokenCodec.encodeV4(t)));
        assertThat(r.raw().body(), r.status(), is(400));
        assertThat(r.code(), is("cashu_token_already_spent"));
        assertThat("mint quotes at the primary", primaryQuotes.get() - before, is(0));
    }

    @Test
    void aDatabaseDumpDoesNotYieldLightningBoughtKeys() {
        Client.Res inv = Client.post(wallet.port(), "/lightning/invoice", Map.of("amount_sats", 5, "purpose", "create"));
        assertThat(inv.raw().body(), inv.status(), is(200));
        List<JsonNode> rows = Db.withConnection(ds, c -> {
            List<JsonNode> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT row_to_json(i)::text FROM lightning_invoices i");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(Json.parse(rs.getString(1).getBytes()));
                }
            }
            return out;
        });
        assertThat(rows.isEmpty(), is(false));
        for (JsonNode row : rows) {
            List<String> values = new ArrayList<>();
            row.properties().forEach(e -> values.add(e.getValue().asText()));
            for (String wrappedColumn : List.of("wrapped_key", "wrapped_key_bolt11")) {
                String wrapped = row.path(wrappedColumn).asText("");
                if (wrapped.isEmpty()) {
                    continue;
                }
                for (String candidate : values) {
                    assertThat(wrappedColumn + " opens with a stored value", opens(candidate, wrapped), is(false));
                }
            }
        }
        // the holder of the bolt11 still recovers the key
        Client.Res recovered = Client.post(wallet.port(), "/lightning/recover", Map.of("bolt11", inv.text("bolt11")));
        assertThat(recovered.raw().body(), recovered.status(), is(200));
    }

    private static boolean opens(String secret, String wrapped) {
        try {
            return KeyWrap.unwrap(secret, wrapped).startsWith("sk-");
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A loopback proxy in front of the primary test mint that counts mint-quote requests. */
    private static HttpServer countingProxy(String target) throws IOException {
        HttpClient http = HttpClient.newHttpClient();
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/", ex -> {
            String path = ex.getRequestURI().toString();
            if (ex.getRequestMethod().equals("POST") && path.startsWith("/v1/mint/quote")) {
                primaryQuotes.incrementAndGet();
            }
            byte[] body = ex.getRequestBody().readAllBytes();
            try {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(target + path))
                        .method(ex.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
                if (body.length > 0) {
                    b.header("Content-Type", "application/json");
                }
                HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(r.statusCode(), r.body().length == 0 ? -1 : r.body().length);
                ex.getResponseBody().write(r.body());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ex.sendResponseHeaders(502, -1);
            }
            ex.close();
        });
        s.start();
        return s;
    }
}
