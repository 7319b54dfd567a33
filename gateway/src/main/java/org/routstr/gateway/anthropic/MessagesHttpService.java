package org.routstr.gateway.anthropic;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.routstr.common.http.ApiException;
import org.routstr.common.http.RequestIds;
import org.routstr.common.json.Json;
import org.routstr.gateway.auth.Caller;
import org.routstr.gateway.catalog.Route;
import org.routstr.gateway.pricing.Budget;
import org.routstr.gateway.pricing.Cost;
import org.routstr.gateway.pricing.CostFields;
import org.routstr.gateway.pricing.MediaTokens;
import org.routstr.gateway.pricing.Pricer;
import org.routstr.gateway.pricing.PromptTokens;
import org.routstr.gateway.pricing.Usage;
import org.routstr.gateway.proxy.Gate;
import org.routstr.gateway.proxy.PaidRequest;
import org.routstr.gateway.proxy.ProxySettings;
import org.routstr.gateway.proxy.RateLimitHeaders;

/**
 * The Anthropic Messages API, {@code POST /v1/messages} and {@code /v1/messages/count_tokens} (with and without
 * {@code /v1}), paid and metered like chat: the key comes as {@code x-api-key} (what Anthropic SDKs send) or as a bearer
 * or X-Cashu; the worst case is reserved, the request goes as it is to Anthropic providers and translated to chat
 * completions for the others, and the answer carries {@code usage.cost} and the cost headers. Counting tokens is free.
 */
public final class MessagesHttpService implements HttpService {
    private static final String ENDPOINT = "messages";
    private final Gate gate;
    private final Pricer pricer;
    private final PromptTokens promptTokens;
    private final MessagesUpstream upstream;
    private final ProxySettings settings;

    public MessagesHttpService(Gate gate, Pricer pricer, MediaTokens media, ProxySettings settings) {
        this.gate = gate;
        this.pricer = pricer;
        this.promptTokens = new PromptTokens(media);
        this.settings = settings;
        this.upstream = new MessagesUpstream(settings);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/v1/messages", this::messages).post("/messages", this::messages)
                .post("/v1/messages/count_tokens", this::countTokens).post("/messages/count_tokens", this::countTokens);
    }

    /** A key pays: authenticated first. X-Cashu pays: the request is validated and priced before the token is redeemed. */
    private void messages(ServerRequest req, ServerResponse res) {
        String requestId = RequestIds.of(req, res);
        Optional<Caller> byKey = gate.byKey(req, requestId, authorization(req));
        byte[] raw = Bodies.read(req, settings.maxRequestBytes());
        ObjectNode tree = Bodies.object(raw);
        String model = Bodies.model(tree);
        JsonNode max = tree.get("max_tokens");
        if (max == null || !max.isIntegralNumber() || max.asLong() < 1) {
            throw ApiException.badRequest("invalid_max_tokens", "max_tokens is required and must be a positive integer");
        }
        JsonNode s = tree.get("stream");
        if (s != null && !s.isNull() && !s.isBoolean()) {
            throw ApiException.badRequest("invalid_type", "'stream' must be a boolean");
        }
        boolean stream = s != null && s.asBoolean(false);
        List<Route> routes = gate.routes(model);
        Budget budget = Budget.of(promptTokens.of(tree, raw.length), OptionalLong.of(max.asLong()));
        long estimate = routes.stream().mapToLong(r -> pricer.estimate(r, budget)).max().orElseThrow();
        Caller caller = byKey.orElseGet(() -> gate.byToken(req, requestId, estimate, model));
        gate.refundUnlessServed(req, res, caller, () -> serve(req, res, gate.reserve(requestId, caller, estimate, model, ENDPOINT,
                                                                                        stream, routes), tree, stream));
    }

    private void serve(ServerRequest req, ServerResponse res, PaidRequest p, ObjectNode tree, boolean stream) {
        List<Route> routes = p.routes();
        boolean metered = false;
        gate.start(p);
        try {
            switch (upstream.send(routes, tree, stream, req.headers())) {
                case MessagesUpstream.Served sv -> {
                    metered = true;
                    try (HttpClientResponse up = sv.response()) {
                        boolean sse = up.headers().contentType().map(Object::toString).orElse("").startsWith("text/event-stream");
                        if (sse) {
                            stream(p, sv.route(), up, res);
                        } else {
                            json(p, sv.route(), up, res);
                        }
                    }
                }
                case MessagesUpstream.Rejected rj -> {
                    metered = true;
                    gate.nothingServed(p, rj.status());
                    gate.change(p).ifPresent(t -> res.header(Gate.X_CASHU, t));
                    res.status(Status.create(rj.status()));
                    res.header(HeaderNames.CONTENT_TYPE, rj.contentType());
                    res.send(rj.body());
                }
                case MessagesUpstream.Failed f -> {
                    metered = true;
                    gate.nothingServed(p, f.lastStatus().orElse(502));
                    if (f.lastStatus().orElse(0) == 429) {
                        RateLimitHeaders.copy(f.rateLimit(), res);
                        throw new ApiException(429, "rate_limit_error", "UPSTREAM_RATE_LIMIT", "The upstream is rate limiting; retry later.");
                    }
                    throw new ApiException(502, "upstream_error", "upstream_unavailable", "All upstreams failed");
                }
            }
        } finally {
            gate.done(p, metered);
        }
    }

    private void json(PaidRequest p, Route r, HttpClientResponse up, ServerResponse res) {
        JsonNode body;
        try (InputStream in = up.inputStream()) {
            body = Json.mapper().readTree(in.readAllBytes());
        } catch (IOException | RuntimeException e) {
            gate.nothingServed(p, 502);
            throw new ApiException(502, "upstream_error", "upstream_unavailable", "The upstream broke off its response.");
        }
        ObjectNode message;
        if (r.provider().anthropic()) {
            message = body instanceof ObjectNode o ? o : Json.object();
            message.put("model", p.model());
        } else {
            message = ChatReplies.message(body == null ? Json.object() : body, p.model());
        }
        Optional<Usage> usage = Usage.of(message.get("usage"));
        Cost cost = gate.charge(p, r, pricer.cost(r, usage, 0, p.reservedMsat()));
        CostFields.put(message.withObject("usage"), cost, gate.remainingAfter(p, cost));
        gate.served(p, r, up.status().code(), cost);
        gate.change(p).ifPresent(t -> res.header(Gate.X_CASHU, t));
        Gate.costHeaders(res, cost);
        res.status(Status.create(up.status().code()));
        res.header(HeaderValues.CONTENT_TYPE_JSON);
        res.send(Json.bytes(message));
    }

    private void stream(PaidRequest p, Route r, HttpClientResponse up, ServerResponse res) {
        res.status(Status.create(up.status().code()));
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        MessageSink sink = new MessageSink(res.outputStream());
        Optional<Usage> usage;
        ObjectNode delta;
        if (r.provider().anthropic()) {
            NativeStream ns = new NativeStream(sink, p.model());
            usage = ns.relay(up.inputStream());
            delta = ns.delta();
        } else {
            TranslatedStream ts = new TranslatedStream(sink, p.model());
            usage = ts.relay(up.inputStream());
            delta = ts.delta();
        }
        Cost cost = gate.charge(p, r, pricer.cost(r, usage, 0, p.reservedMsat()));
        gate.served(p, r, up.status().code(), cost);
        // issued even when the client has gone: it stays fetchable with the original token from /v1/balance/refund
        Optional<String> change = gate.change(p);
        CostFields.put(delta.withObject("usage"), cost, gate.remainingAfter(p, cost));
        sink.finish(delta, change);
    }

    /** Free: a key is checked, an X-Cashu token is never redeemed (it comes back as it came, in {@code X-Cashu}). */
    private void countTokens(ServerRequest req, ServerResponse res) {
        String requestId = RequestIds.of(req, res);
        Optional<Caller> byKey = gate.byKey(req, requestId, authorization(req));
        ObjectNode tree = Bodies.object(Bodies.read(req, settings.maxRequestBytes()));
        List<Route> routes = gate.routes(Bodies.model(tree));
        Optional<byte[]> counted = routes.stream().filter(r -> r.provider().anthropic()).findFirst()
                .flatMap(r -> upstream.countTokens(r, tree, req.headers()));
        if (byKey.isEmpty()) {
            req.headers().first(Gate.X_CASHU).map(String::trim).ifPresent(t -> res.header(Gate.X_CASHU, t));
        }
        res.header(HeaderValues.CONTENT_TYPE_JSON);
        res.send(counted.orElseGet(() -> Json.bytes(Json.object().put("input_tokens", TokenCount.estimate(tree)))));
    }

    /** The bearer header, or what Anthropic's {@code x-api-key} amounts to. */
    private static Optional<String> authorization(ServerRequest req) {
        Optional<String> bearer = req.headers().first(HeaderNames.AUTHORIZATION);
        return bearer.isPresent() ? bearer : req.headers().first(MessagesUpstream.API_KEY).map(k -> "Bearer " + k.trim());
    }
}
