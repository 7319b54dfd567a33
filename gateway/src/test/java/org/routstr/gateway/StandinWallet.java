package org.routstr.gateway;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.databind.JsonNode;

import org.routstr.common.json.Json;
import org.routstr.common.keys.ApiKeys;
import org.routstr.crypto.cashu.CashuException;
import org.routstr.crypto.cashu.nut00.Proof;
import org.routstr.crypto.cashu.nut00.Token;
import org.routstr.crypto.cashu.nut00.TokenCodec;
import org.routstr.ledger.Ledger;
import org.routstr.ledger.NewAccount;

/**
 * wallet-service's internal API (contract 1) on a local socket for gateway tests: an X-Cashu redeem credits the token's face
 * value to a real ledger account; change answers a token per request id (or 503 for keys told to fail) and records it.
 */
public final class StandinWallet implements AutoCloseable {
    public static final String SECRET = "standin-wallet-secret";
    private final WebServer server;
    private final Ledger ledger;
    private final List<String> redeemed = new CopyOnWriteArrayList<>();
    private final List<JsonNode> changes = new CopyOnWriteArrayList<>();
    private final Set<String> failChangeFor = ConcurrentHashMap.newKeySet();

    public StandinWallet(Ledger ledger) {
        this.ledger = ledger;
        this.server = WebServer.builder().host("127.0.0.1").port(0)
                .routing(r -> r.post("/internal/x-cashu/redeem", this::redeem).post("/internal/x-cashu/change", this::change))
                .build().start();
    }

    /** A well-formed sat token of {@code sats} (its proofs are not signed by any mint: only this wallet takes it). */
    public static String token(long sats) {
        String secret = Long.toHexString(System.nanoTime()) + Math.random();
        return TokenCodec.encodeV4(new Token("http://127.0.0.1:9", "sat", List.of(new Proof(sats, "00ad268c4d1f5826", secret,
                                                                                             "02" + "11".repeat(32)))));
    }

    public String url() {
        return "http://127.0.0.1:" + server.port();
    }

    /** Gateway config entries pointing Cashu payments here. */
    public Map<String, String> config() {
        return Map.of("internal.token", SECRET, "gateway.routes.wallet", url(), "gateway.routes.admin", "http://127.0.0.1:9");
    }

    /** Tokens redeemed so far. */
    public List<String> redeemed() {
        return redeemed;
    }

    /** Change requests so far (key_hash, request_id). */
    public List<JsonNode> changes() {
        return changes;
    }

    /** Change for this token's key answers 503 from now on. */
    public void failChange(String token) {
        failChangeFor.add(ApiKeys.hash(token));
    }

    private void redeem(ServerRequest req, ServerResponse res) {
        if (!SECRET.equals(req.headers().first(HeaderNames.create("X-Routstr-Internal")).orElse(""))) {
            res.status(Status.FORBIDDEN_403).send();
            return;
        }
        String token = Json.parse(req.content().as(byte[].class)).path("token").asText();
        long msat;
        try {
            msat = TokenCodec.decode(token).amount() * 1000;
        } catch (CashuException e) {
            msat = 5_000_000;
        }
        redeemed.add(token);
        String hash = ApiKeys.hash(token);
        ledger.open(NewAccount.of(hash));
        ledger.credit(hash, msat, "redeem:" + hash, "stand-in wallet");
        res.header(HeaderNames.CONTENT_TYPE, "application/json").send(Json.bytes(Map.of("key_hash", hash, "amount_msat", msat)));
    }

    private void change(ServerRequest req, ServerResponse res) {
        JsonNode body = Json.parse(req.content().as(byte[].class));
        changes.add(body);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        if (failChangeFor.contains(body.path("key_hash").asText())) {
            res.status(Status.SERVICE_UNAVAILABLE_503).send(("{\"error\":{\"message\":\"Change could not be issued\",\"type\":"
                    + "\"server_error\",\"code\":\"change_failed\"}}").getBytes(StandardCharsets.UTF_8));
            return;
        }
        res.send(Json.bytes(Map.of("token", "cashuBchange-for-" + body.path("request_id").asText(), "amount_msat", 1000)));
    }

    @Override
    public void close() {
        server.stop();
    }
}
