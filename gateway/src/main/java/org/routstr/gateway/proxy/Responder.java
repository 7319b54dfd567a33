package org.routstr.gateway.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.routstr.common.http.ApiException;
import org.routstr.common.json.Json;
import org.routstr.gateway.catalog.Route;
import org.routstr.gateway.pricing.Cost;
import org.routstr.gateway.pricing.CostFields;
import org.routstr.gateway.pricing.Pricer;
import org.routstr.gateway.pricing.Usage;

/**
 * Sends a served upstream response to the client and meters it: JSON bodies get {@code usage.cost} and cost headers,
 * SSE streams are relayed as they arrive with the cost in their last event, anything else (audio, images) is metered
 * first, so its X-Cashu change goes in the headers, and copied through.
 */
final class Responder {
    static final HeaderName COST = HeaderNames.create("X-Routstr-Cost-Msats");
    static final HeaderName INPUT_COST = HeaderNames.create("X-Routstr-Input-Cost-Msats");
    static final HeaderName OUTPUT_COST = HeaderNames.create("X-Routstr-Output-Cost-Msats");
    static final HeaderName COST_USD = HeaderNames.create("X-Routstr-Cost-Usd");
    static final HeaderName X_CASHU = HeaderNames.create("X-Cashu");
    private final Pricer pricer;
    private final Metering metering;

    Responder(Pricer pricer, Metering metering) {
        this.pricer = pricer;
        this.metering = metering;
    }

    void respond(PaidRequest p, Outcome.Served s, ServerResponse res) {
        try (HttpClientResponse up = s.response()) {
            String type = up.headers().contentType().map(Object::toString).orElse("application/octet-stream");
            if (type.startsWith("text/event-stream")) {
                stream(p, s.route(), up, type, res);
            } else if (type.startsWith("application/json")) {
                json(p, s.route(), up, res);
            } else {
                raw(p, s.route(), up, type, res);
            }
        }
    }

    private void json(PaidRequest p, Route r, HttpClientResponse up, ServerResponse res) {
        byte[] bytes;
        try (InputStream in = up.inputStream()) {
            bytes = in.readAllBytes();
        } catch (IOException | RuntimeException e) {
            // a dropped upstream surfaces as IOException or one of Helidon's runtime exceptions: nothing reached the client
            metering.nothingServed(p, 502);
            throw new ApiException(502, "upstream_error", "upstream_unavailable", "The upstream broke off its response.");
        }
        JsonNode body;
        try {
            body = Json.mapper().readTree(bytes);
        } catch (IOException e) {
            body = null;
        }
        int images = p.images() > 0 && body != null ? body.path("data").size() : 0;
        Optional<Usage> usage = body == null ? Optional.empty() : Usage.of(body.get("usage"));
        Cost cost = metering.charge(p, r, pricer.cost(r, usage, images, p.reservedMsat()));
        if (body instanceof ObjectNode o) {
            if (o.get("usage") instanceof ObjectNode u) {
                CostFields.put(u, cost, metering.remainingAfter(p, cost));
            }
            if (o.has("model")) {
                o.put("model", p.model());
            }
            bytes = Json.bytes(o);
        }
        metering.served(p, r, up.status().code(), cost);
        metering.change(p.caller(), p.reservation()).ifPresent(t -> res.header(X_CASHU, t));
        headers(res, cost);
        res.status(Status.create(up.status().code()));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(bytes);
    }

    private void stream(PaidRequest p, Route r, HttpClientResponse up, String type, ServerResponse res) {
        res.status(Status.create(up.status().code()));
        res.header(HeaderNames.CONTENT_TYPE, type);
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        SseRelay relay = new SseRelay(res.outputStream());
        Optional<Usage> usage = relay.relay(up.inputStream());
        Cost cost = metering.charge(p, r, pricer.cost(r, usage, 0, p.reservedMsat()));
        metering.served(p, r, up.status().code(), cost);
        // issued even when the client has gone: it stays fetchable with the original token from /v1/balance/refund
        Optional<String> change = metering.change(p.caller(), p.reservation());
        long remaining = metering.remainingAfter(p, cost);
        relay.finish(usage.map(u -> target -> CostFields.put(target, cost, remaining)), change, node -> {
            ObjectNode target = node.get("response") instanceof ObjectNode resp ? resp : node;
            if (target.has("model")) {
                target.put("model", p.model());
            }
            return node;
        });
    }

    private void raw(PaidRequest p, Route r, HttpClientResponse up, String type, ServerResponse res) {
        Cost cost = metering.charge(p, r, pricer.cost(r, Optional.empty(), p.images(), p.characters(), p.reservedMsat()));
        // priced without usage, so it is metered before the body: the X-Cashu change can then go in the headers
        metering.served(p, r, up.status().code(), cost);
        metering.change(p.caller(), p.reservation()).ifPresent(t -> res.header(X_CASHU, t));
        headers(res, cost);
        res.status(Status.create(up.status().code()));
        res.header(HeaderNames.CONTENT_TYPE, type);
        try (InputStream in = up.inputStream(); OutputStream out = res.outputStream()) {
            in.transferTo(out);
        } catch (IOException | RuntimeException e) {
            // upstream or client went away mid-body: it was (partly) delivered, so it is billed by the no-usage rule
        }
    }

    private static void headers(ServerResponse res, Cost cost) {
        res.header(COST, String.valueOf(cost.totalMsat()));
        res.header(INPUT_COST, String.valueOf(cost.inputMsat() + cost.cacheReadMsat() + cost.cacheWriteMsat()));
        res.header(OUTPUT_COST, String.valueOf(cost.outputMsat()));
        if (cost.totalUsd().signum() > 0) {
            res.header(COST_USD, cost.totalUsd().toPlainString());
        }
    }
}
