package org.routstr.testmint;

import java.io.IOException;
import java.time.Duration;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.routstr.crypto.cashu.CashuJson;
import org.routstr.crypto.cashu.nut01.Keys;
import org.routstr.crypto.cashu.nut02.KeysetInfo;
import org.routstr.crypto.cashu.nut02.KeysetsResponse;
import org.routstr.crypto.cashu.nut03.SwapRequest;
import org.routstr.crypto.cashu.nut03.SwapResponse;
import org.routstr.crypto.cashu.nut04.MintQuoteRequest;
import org.routstr.crypto.cashu.nut04.MintRequest;
import org.routstr.crypto.cashu.nut04.MintResponse;
import org.routstr.crypto.cashu.nut05.MeltQuoteRequest;
import org.routstr.crypto.cashu.nut05.MeltRequest;
import org.routstr.crypto.cashu.nut07.CheckStateRequest;
import org.routstr.crypto.cashu.nut07.CheckStateResponse;
import org.routstr.crypto.cashu.nut09.RestoreRequest;

/**
 * The mint's v1 HTTP API (NUT-01…09 with bolt11) over a {@link MintLedger}, with the switchable {@link FailureMode}s.
 */
final class MintHttpService implements HttpService {
    private final MintLedger ledger;
    private final Duration delay;

    MintHttpService(MintLedger ledger, Duration delay) {
        this.ledger = ledger;
        this.delay = delay;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/v1/info", wrap((req, res) -> send(res, info())))
                .get("/v1/keys", wrap((req, res) -> send(res, keys(null))))
                .get("/v1/keys/{id}", wrap((req, res) -> send(res, keys(req.path().pathParameters().get("id")))))
                .get("/v1/keysets", wrap((req, res) -> send(res, keysets())))
                .post("/v1/swap", wrap((req, res) -> {
                    SwapRequest r = body(req, SwapRequest.class);
                    send(res, new SwapResponse(ledger.swap(r.inputs(), r.outputs())));
                }))
                .post("/v1/mint/quote/bolt11", wrap((req, res) -> {
                    MintQuoteRequest r = body(req, MintQuoteRequest.class);
                    send(res, ledger.createMintQuote(r.amount(), r.unit()));
                }))
                .get("/v1/mint/quote/bolt11/{id}", wrap((req, res) -> send(res, ledger.mintQuote(param(req)))))
                .post("/v1/mint/bolt11", wrap((req, res) -> {
                    MintRequest r = body(req, MintRequest.class);
                    send(res, new MintResponse(ledger.mint(r.quote(), r.outputs())));
                }))
                .post("/v1/melt/quote/bolt11", wrap((req, res) -> {
                    MeltQuoteRequest r = body(req, MeltQuoteRequest.class);
                    send(res, ledger.createMeltQuote(r.request(), r.unit()));
                }))
                .get("/v1/melt/quote/bolt11/{id}", wrap((req, res) -> send(res, ledger.meltQuote(param(req)))))
                .post("/v1/melt/bolt11", wrap((req, res) -> {
                    MeltRequest r = body(req, MeltRequest.class);
                    send(res, ledger.melt(r.quote(), r.inputs(), r.outputs()));
                }))
                .post("/v1/checkstate", wrap((req, res) -> {
                    CheckStateRequest r = body(req, CheckStateRequest.class);
                    send(res, new CheckStateResponse(ledger.checkState(r.Ys())));
                }))
                .post("/v1/restore", wrap((req, res) -> send(res, ledger.restore(body(req, RestoreRequest.class).outputs()))));
    }

    private Handler wrap(Handler handler) {
        return (req, res) -> {
            FailureMode mode = ledger.failureMode();
            if (mode == FailureMode.UNAVAILABLE) {
                res.status(Status.SERVICE_UNAVAILABLE_503).send();
                return;
            }
            if (mode == FailureMode.DELAY) {
                sleep(delay);
            }
            try {
                handler.handle(req, res);
            } catch (MintError e) {
                error(res, e.code(), e.getMessage());
            } catch (IllegalArgumentException e) {
                error(res, 0, "invalid request: " + e.getMessage());
            }
        };
    }

    private void send(ServerResponse res, Object body) {
        byte[] json;
        try {
            json = CashuJson.mapper().writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write response", e);
        }
        // PROCESS_THEN_DELAY: the ledger already changed; the answer arrives too late (a lost response)
        if (ledger.failureMode() == FailureMode.PROCESS_THEN_DELAY) {
            sleep(delay);
        }
        res.header(HeaderNames.CONTENT_TYPE, "application/json").send(json);
    }

    private static void error(ServerResponse res, int code, String detail) {
        ObjectNode n = CashuJson.mapper().createObjectNode().put("detail", detail).put("code", code);
        res.status(Status.BAD_REQUEST_400).header(HeaderNames.CONTENT_TYPE, "application/json").send(n.toString());
    }

    private static <T> T body(ServerRequest req, Class<T> type) {
        try {
            return CashuJson.mapper().readValue(req.content().as(byte[].class), type);
        } catch (IOException e) {
            throw new MintError(0, "invalid request body");
        }
    }

    private static String param(ServerRequest req) {
        return req.path().pathParameters().get("id");
    }

    private JsonNode info() {
        ObjectNode n = CashuJson.mapper().createObjectNode();
        n.put("name", "Routstr test mint").put("version", "routstr-testmint/0.1").put("description", "in-memory, fake Lightning");
        ObjectNode nuts = n.putObject("nuts");
        for (String nut : new String[] {"4", "5"}) {
            ObjectNode m = nuts.putObject(nut);
            ArrayNode methods = m.putArray("methods");
            ledger.keysets().stream().map(k -> k.keyset().unit()).distinct()
                    .forEach(u -> methods.addObject().put("method", "bolt11").put("unit", u));
            m.put("disabled", false);
        }
        for (String nut : new String[] {"7", "8", "9", "12"}) {
            nuts.putObject(nut).put("supported", true);
        }
        return n;
    }

    private JsonNode keys(String id) {
        ObjectNode n = CashuJson.mapper().createObjectNode();
        ArrayNode arr = n.putArray("keysets");
        if (id != null) {
            arr.add(Keys.toJson(ledger.keyset(id).keyset()));
        } else {
            ledger.keysets().stream().filter(k -> k.keyset().active()).forEach(k -> arr.add(Keys.toJson(k.keyset())));
        }
        return n;
    }

    private KeysetsResponse keysets() {
        return new KeysetsResponse(ledger.keysets().stream().map(k -> k.keyset())
                .map(k -> new KeysetInfo(k.id(), k.unit(), k.active(), k.inputFeePpk(), k.finalExpiry().orElse(null))).toList());
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
