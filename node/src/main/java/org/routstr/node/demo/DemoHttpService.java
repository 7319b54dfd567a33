package org.routstr.node.demo;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.databind.JsonNode;

import org.routstr.common.http.ApiException;
import org.routstr.common.json.Json;

/**
 * The demo-only faucet on the launcher's loopback port: {@code POST /demo/token {"amount_sat":2000}} returns a fresh
 * token of the demo mint, {@code {"token":"cashuB…","amount_sat":2000,"mint":"http://127.0.0.1:3338"}}.
 */
public final class DemoHttpService implements HttpService {
    static final long MAX_SAT = 1_000_000;
    private final DemoInfra demo;

    public DemoHttpService(DemoInfra demo) {
        this.demo = demo;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/demo/token", this::token);
    }

    private void token(ServerRequest req, ServerResponse res) {
        JsonNode body = Json.parse(req.content().as(byte[].class));
        JsonNode amount = body.path("amount_sat");
        if (!amount.canConvertToLong() || !amount.isIntegralNumber() || amount.asLong() < 1 || amount.asLong() > MAX_SAT) {
            throw ApiException.badRequest("invalid_amount", "amount_sat must be an integer from 1 to " + MAX_SAT);
        }
        long sat = amount.asLong();
        var out = Json.object().put("token", demo.mintToken(sat)).put("amount_sat", sat).put("mint", demo.mintUrl());
        res.status(Status.OK_200).header(HeaderNames.CONTENT_TYPE, "application/json").send(Json.bytes(out));
    }
}
