package org.routstr.node;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.routstr.common.json.Json;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.crypto.cashu.client.CashuWallet;
import org.routstr.crypto.cashu.client.MintClient;
import org.routstr.crypto.cashu.nut00.Token;
import org.routstr.crypto.cashu.nut00.TokenCodec;
import org.routstr.crypto.cashu.nut07.ProofStateValue;
import org.routstr.testsupport.RealInfra;
import org.routstr.testsupport.TestDb;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

/**
 * Issue 12's SSRF cases through the public port: a Refund-LNURL naming a private, loopback or metadata host, and tokens
 * (X-Cashu, bearer, wallet create) naming such a mint, are refused with one answer whatever the host, before any
 * connection to it (canary listeners count every connection) and without work at the primary mint.
 */
@RealInfra
class PublicPortSsrfTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String CHAT = "{\"model\":\"standin-gpt\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static InProcessNode node;
    private static Canary loopback;
    private static Canary second;

    @BeforeAll
    static void start(TestDb db, KafkaSettings kafka, @TempDir Path dir) throws IOException {
        node = InProcessNode.start(db, kafka, dir, Map.of("billing.consumer.group", "billing-ssrf"));
        loopback = new Canary("127.0.0.1");
        second = new Canary("127.0.0.2");
    }

    @AfterAll
    static void stop() throws IOException {
        if (node != null) {
            node.close();
        }
        if (loopback != null) {
            loopback.close();
            second.close();
        }
    }

    @Test
    void aRefundLnurlToAPrivateHostIsRefusedAtCreationWithOneAnswerAndNoContact() throws Exception {
        List<String> refused = List.of("user@localhost:" + loopback.port(), "user@127.0.0.2:" + second.port(), "user@169.254.169.254",
                "user@10.0.0.1", "user@[::1]:" + loopback.port(), "https://localhost:" + loopback.port() + "/lnurlp/x",
                "http://127.0.0.2:" + second.port() + "/lnurlp/x", "user@0.0.0.0:" + loopback.port(), "https://169.254.169.254/latest?x=");
        String money = node.money();
        Set<String> answers = new HashSet<>();
        for (String address : refused) {
            String token = node.mint().mintToken(50);
            for (boolean header : new boolean[] {true, false}) {
                HttpResponse<String> r = header
                        ? send("/v1/wallet/create", "{\"cashu_token\":\"" + token + "\"}", "Refund-LNURL", address, "Key-Expiry-Time", "1900000000")
                        : send("/v1/wallet/create", Json.mapper().writeValueAsString(Map.of("cashu_token", token, "refund_address", address)));
                assertThat(address + " " + r.body(), r.statusCode(), is(400));
                answers.add(answer(r));
            }
            assertThat("the token was not redeemed: " + address, states(token), is(List.of(ProofStateValue.UNSPENT)));
        }
        assertThat(answers.toString(), answers.size(), is(1));
        assertThat(answers.iterator().next(), is("400 invalid_refund_address Refund address refused: LNURL endpoint not allowed "
                                                 + "(https and a public host only)"));
        assertThat("connections to the canaries", loopback.accepted() + second.accepted(), is(0));
        assertThat("money moved", node.money(), is(money));
    }

    @Test
    void tokensNamingAPrivateMintAreRefusedAlikeOnEveryPathAndNoMintIsContacted() throws Exception {
        List<String> mints = List.of("http://localhost:" + loopback.port(), "https://localhost:" + loopback.port(),
                "http://127.0.0.2:" + second.port(), "https://127.0.0.2:" + second.port(), "https://169.254.169.254",
                "http://10.0.0.1:3338", "https://[::1]:" + loopback.port(), "https://0.0.0.0:" + second.port());
        // genuine proofs of the primary mint, relabelled: the node must not even ask the named mint about them
        List<Token> genuine = mints.stream().map(m -> TokenCodec.decode(node.mint().mintToken(64))).toList();
        Token control = TokenCodec.decode(node.mint().mintToken(8));
        String money = node.money();
        String books = node.mint().books();
        int quotes = node.mint().mintQuotes();
        Map<String, Set<String>> answers = new java.util.TreeMap<>();
        for (int i = 0; i < mints.size(); i++) {
            String mint = mints.get(i);
            Token t = genuine.get(i);
            String token = TokenCodec.encodeV4(new Token(mint, "sat", t.proofs()));
            answers.computeIfAbsent("x-cashu", k -> new HashSet<>()).add(answer(send("/v1/chat/completions", CHAT, "X-Cashu", token)));
            answers.computeIfAbsent("bearer", k -> new HashSet<>()).add(answer(send("/v1/chat/completions", CHAT,
                    "Authorization", "Bearer " + token)));
            answers.computeIfAbsent("create", k -> new HashSet<>()).add(answer(send("/v1/wallet/create",
                    "{\"cashu_token\":\"" + token + "\"}")));
            answers.computeIfAbsent("topup", k -> new HashSet<>()).add(answer(send("/v1/wallet/topup",
                    "{\"cashu_token\":\"" + token + "\"}", "Authorization", "Bearer " + token)));
            assertThat(states(TokenCodec.encodeV4(t)), is(List.of(ProofStateValue.UNSPENT)));
        }
        for (var e : answers.entrySet()) {
            assertThat(e.getKey() + " " + e.getValue(), e.getValue().size(), is(1));
            int status = Integer.parseInt(e.getValue().iterator().next().substring(0, 3));
            assertThat(e.getKey() + " " + e.getValue(), status, greaterThan(399));
            assertThat(e.getKey() + " " + e.getValue(), status, lessThan(500));
        }
        assertThat("connections to the canaries", loopback.accepted() + second.accepted(), is(0));
        assertThat("work at the primary mint", node.mint().books() + " quotes=" + node.mint().mintQuotes(),
                   is(books + " quotes=" + quotes));
        assertThat("money moved", node.money(), is(money));

        // the canary does see a mint the operator allowed (127.0.0.1): the zero above is not a deaf listener
        send("/v1/wallet/create", "{\"cashu_token\":\"" + TokenCodec.encodeV4(new Token("http://127.0.0.1:" + loopback.port(), "sat",
                control.proofs())) + "\"}");
        assertThat(loopback.accepted(), greaterThan(0));
    }

    private static String answer(HttpResponse<String> r) throws IOException {
        JsonNode e = Json.mapper().readTree(r.body()).path("error");
        return r.statusCode() + " " + e.path("code").asText() + " " + e.path("message").asText();
    }

    private static List<ProofStateValue> states(String token) {
        return new CashuWallet(MintClient.create(node.mint().url())).checkState(TokenCodec.decode(token).proofs()).stream()
                .map(s -> s.state()).distinct().toList();
    }

    private static HttpResponse<String> send(String path, String json, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node.url() + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A listener that counts every connection made to it and closes it at once. */
    private static final class Canary implements AutoCloseable {
        private final ServerSocket server;
        private final AtomicInteger accepted = new AtomicInteger();

        Canary(String host) throws IOException {
            server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try (Socket s = server.accept()) {
                        accepted.incrementAndGet();
                    } catch (IOException e) {
                        // closed
                    }
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        int accepted() {
            return accepted.get();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
