package org.routstr.gateway.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.routstr.common.http.ApiException;
import org.routstr.common.http.ErrorHandlers;
import org.routstr.common.http.RequestIds;
import org.routstr.common.json.Json;
import org.routstr.gateway.auth.Authenticator;
import org.routstr.gateway.auth.Caller;
import org.routstr.gateway.auth.WalletClient;
import org.routstr.gateway.catalog.Catalog;
import org.routstr.gateway.catalog.Route;
import org.routstr.gateway.limits.RateLimiter;
import org.routstr.gateway.pricing.Pricer;
import org.routstr.gateway.usage.InFlight;
import org.routstr.gateway.usage.UsagePublisher;
import org.routstr.ledger.Account;
import org.routstr.ledger.Ledger;

/**
 * The paid OpenAI-compatible endpoints, with and without {@code /v1}: authenticate, validate, reserve the worst case in one
 * SQL round trip, forward with failover, then meter (see {@link Responder}).
 */
public final class ProxyHttpService implements HttpService {
    private static final List<String> JSON_ENDPOINTS = List.of("chat/completions", "completions", "embeddings",
                                                               "images/generations", "responses", "moderations",
                                                               "audio/speech");
    private static final List<String> UPLOAD_ENDPOINTS = List.of("audio/transcriptions", "audio/translations");
    private static final int PREFIX_BYTES = 64 * 1024;
    private final Authenticator auth;
    private final Catalog catalog;
    private final Pricer pricer;
    private final Ledger ledger;
    private final UpstreamClient upstream;
    private final Responder responder;
    private final Metering metering;
    private final InFlight inFlight;
    private final RateLimiter perKey;
    private final RateLimiter perIp;
    private final ProxySettings settings;

    public ProxyHttpService(Authenticator auth, Catalog catalog, Pricer pricer, Ledger ledger, UsagePublisher publisher,
                            Optional<WalletClient> wallet, InFlight inFlight, RateLimiter perKey, RateLimiter perIp,
                            ProxySettings settings) {
        this.auth = auth;
        this.catalog = catalog;
        this.pricer = pricer;
        this.ledger = ledger;
        this.upstream = new UpstreamClient(settings);
        this.metering = new Metering(ledger, publisher, wallet);
        this.responder = new Responder(pricer, metering);
        this.inFlight = inFlight;
        this.perKey = perKey;
        this.perIp = perIp;
        this.settings = settings;
    }

    @Override
    public void routing(HttpRules rules) {
        for (String e : JSON_ENDPOINTS) {
            rules.post("/v1/" + e, this::json).post("/" + e, this::json);
        }
        for (String e : UPLOAD_ENDPOINTS) {
            rules.post("/v1/" + e, this::upload).post("/" + e, this::upload);
        }
    }

    private void json(ServerRequest req, ServerResponse res) {
        String requestId = RequestIds.of(req, res);
        Caller caller = caller(req, requestId);
        refundUnlessServed(req, res, caller, () -> json(req, res, requestId, caller));
    }

    private void json(ServerRequest req, ServerResponse res, String requestId, Caller caller) {
        String endpoint = endpoint(req);
        byte[] raw = read(req, settings.maxRequestBytes());
        JsonNode parsed = Json.parse(raw);
        if (!(parsed instanceof ObjectNode tree)) {
            throw ApiException.badRequest("invalid_request", "The request body must be a JSON object.");
        }
        String model = model(tree, endpoint);
        List<Route> routes = routes(model);
        OptionalLong maxTokens = maxTokens(tree);
        boolean stream = flag(tree, "stream");
        int images = endpoint.equals("images/generations") ? Math.max(1, tree.path("n").asInt(1)) : 0;
        long estimate = 0;
        for (Route r : routes) {
            estimate = Math.max(estimate, pricer.estimate(r, raw.length / 3 + 1, maxTokens, images));
        }
        PaidRequest p = reserve(new PaidRequest(requestId, caller, UUID.randomUUID(), estimate, model, endpoint, stream, images, routes));
        serve(p, res, () -> upstream.send(routes, endpoint, req.headers(), stream, r -> body(r, tree, raw, p)));
    }

    private void upload(ServerRequest req, ServerResponse res) {
        String requestId = RequestIds.of(req, res);
        Caller caller = caller(req, requestId);
        refundUnlessServed(req, res, caller, () -> upload(req, res, requestId, caller));
    }

    private void upload(ServerRequest req, ServerResponse res, String requestId, Caller caller) {
        String endpoint = endpoint(req);
        long length = req.headers().contentLength().orElse(-1);
        if (length > settings.maxUploadBytes()) {
            throw tooLarge(settings.maxUploadBytes());
        }
        InputStream in = new LimitedInputStream(req.content().inputStream(), settings.maxUploadBytes());
        byte[] prefix = readPrefix(in, length);
        String model = Multipart.field(prefix, "model")
                .orElseThrow(() -> ApiException.badRequest("missing_model", "The multipart form needs a 'model' field."));
        List<Route> routes = routes(model);
        long tokens = Math.max(1, (length < 0 ? prefix.length : length) / 1000);
        long estimate = pricer.estimate(routes.getFirst(), tokens, OptionalLong.empty(), 0);
        PaidRequest p = reserve(new PaidRequest(requestId, caller, UUID.randomUUID(), estimate, model, endpoint, false, 0, routes));
        serve(p, res, () -> upstream.upload(routes.getFirst(), endpoint, req.headers(), length, prefix, in));
    }

    /**
     * Runs a request paid with X-Cashu or a key. An X-Cashu token was swapped at the mint when it was redeemed, so the
     * client's copy is spent: when the request fails before anything is served (402, unknown model, every upstream down),
     * the whole value goes back as a fresh token in the {@code X-Cashu} header of the error, and stays fetchable from
     * {@code /v1/balance/refund} with the original token (Routstr Core returned the same refund on upstream errors).
     */
    private void refundUnlessServed(ServerRequest req, ServerResponse res, Caller caller, Runnable work) {
        try {
            work.run();
        } catch (ApiException e) {
            if (res.isSent() || caller.xCashuToken().isEmpty()) {
                throw e;
            }
            metering.refund(caller).ifPresent(t -> res.header(Responder.X_CASHU, t));
            ErrorHandlers.send(req, res, e);
        }
    }

    private void serve(PaidRequest p, ServerResponse res, java.util.function.Supplier<Outcome> send) {
        boolean metered = false;
        inFlight.add(p.reservation());
        try {
            Outcome o = send.get();
            switch (o) {
                case Outcome.Served s -> {
                    metered = true;
                    responder.respond(p, s, res);
                }
                case Outcome.Rejected r -> {
                    metered = true;
                    metering.nothingServed(p, r.status());
                    metering.change(p).ifPresent(t -> res.header(Responder.X_CASHU, t));
                    res.status(Status.create(r.status()));
                    res.header(HeaderNames.CONTENT_TYPE, r.contentType());
                    res.send(r.body());
                }
                case Outcome.Failed f -> {
                    metered = true;
                    metering.nothingServed(p, f.lastStatus().orElse(502));
                    throw failed(f, res);
                }
            }
        } finally {
            inFlight.remove(p.reservation());
            if (!metered) {
                metering.nothingServed(p, 500);
            }
        }
    }

    private Caller caller(ServerRequest req, String requestId) {
        perIp.check(req.remotePeer().host());
        Caller caller = auth.authenticate(req.headers().first(HeaderNames.AUTHORIZATION),
                                          req.headers().first(HeaderNames.create("X-Cashu")), requestId);
        perKey.check(caller.keyHash());
        return caller;
    }

    private PaidRequest reserve(PaidRequest p) {
        switch (ledger.reserve(p.reservation(), p.caller().keyHash(), p.reservedMsat())) {
            case OK, DUPLICATE -> {
                return p;
            }
            case UNKNOWN_KEY, REVOKED -> {
                auth.forget(p.caller().keyHash());
                throw ApiException.unauthorized("invalid_api_key", "Invalid API key.");
            }
            case EXPIRED -> {
                auth.forget(p.caller().keyHash());
                throw new ApiException(403, "invalid_request_error", "key_expired", "API key has expired (validity date reached).");
            }
            case OVER_LIMIT -> throw ApiException.paymentRequired("balance_limit_exceeded",
                    "Balance limit exceeded: " + p.reservedMsat() + " mSats required for this request.",
                    Json.object().put("reason", "Balance limit exceeded").put("amount_required_msat", p.reservedMsat())
                            .put("model", p.model()).put("type", "balance_limit_exceeded"));
            case INSUFFICIENT -> {
                long available = ledger.account(p.caller().keyHash()).map(Account::availableMsat).orElse(0L);
                throw ApiException.paymentRequired("insufficient_balance",
                        "Insufficient balance: " + p.reservedMsat() + " mSats required. " + Math.max(0, available) + " available.",
                        Json.object().put("reason", "Insufficient balance").put("amount_required_msat", p.reservedMsat())
                                .put("available_msat", Math.max(0, available)).put("model", p.model())
                                .put("type", "insufficient_balance"));
            }
            default -> throw new IllegalStateException("unexpected reserve outcome");
        }
    }

    private static ApiException failed(Outcome.Failed f, ServerResponse res) {
        if (f.lastStatus().orElse(0) == 429) {
            RateLimitHeaders.copy(f.rateLimit(), res);
            return new ApiException(429, "rate_limit_error", "UPSTREAM_RATE_LIMIT", "The upstream is rate limiting; retry later.");
        }
        return new ApiException(502, "upstream_error", "upstream_unavailable", "All upstreams failed");
    }

    private List<Route> routes(String model) {
        List<Route> routes = catalog.routes(model);
        if (routes.isEmpty()) {
            throw new ApiException(400, "invalid_model", "model_not_found", "Model '" + clip(model) + "' not found");
        }
        return routes;
    }

    private static byte[] body(Route r, ObjectNode tree, byte[] raw, PaidRequest p) {
        boolean wantUsage = p.stream() && (p.endpoint().equals("chat/completions") || p.endpoint().equals("completions"))
                            && !tree.at("/stream_options/include_usage").asBoolean(false);
        if (!wantUsage && r.upstreamId().equals(tree.path("model").asText())) {
            return raw;
        }
        tree.put("model", r.upstreamId());
        if (wantUsage) {
            tree.withObjectProperty("stream_options").put("include_usage", true);
        }
        return Json.bytes(tree);
    }

    private static String model(ObjectNode tree, String endpoint) {
        JsonNode m = tree.get("model");
        if (m == null && endpoint.equals("moderations")) {
            return "omni-moderation-latest";
        }
        if (m == null || !m.isTextual() || m.asText().isBlank()) {
            throw ApiException.badRequest("invalid_model", "'model' is required and must be a string.");
        }
        return m.asText();
    }

    private static OptionalLong maxTokens(ObjectNode tree) {
        for (String f : new String[] {"max_tokens", "max_completion_tokens", "max_output_tokens"}) {
            JsonNode n = tree.get(f);
            if (n != null && !n.isNull()) {
                if (!n.isIntegralNumber() || n.asLong() < 0) {
                    throw ApiException.badRequest("invalid_max_tokens", f + " must be a non-negative integer");
                }
                return OptionalLong.of(n.asLong());
            }
        }
        return OptionalLong.empty();
    }

    private static boolean flag(ObjectNode tree, String name) {
        JsonNode n = tree.get(name);
        if (n != null && !n.isNull() && !n.isBoolean()) {
            throw ApiException.badRequest("invalid_type", "'" + name + "' must be a boolean");
        }
        return n != null && n.asBoolean(false);
    }

    private static String endpoint(ServerRequest req) {
        String path = req.path().path();
        return path.startsWith("/v1/") ? path.substring(4) : path.substring(1);
    }

    private static byte[] read(ServerRequest req, long max) {
        if (req.headers().contentLength().orElse(0) > max) {
            throw tooLarge(max);
        }
        try (InputStream in = new LimitedInputStream(req.content().inputStream(), max)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] readPrefix(InputStream in, long length) {
        try {
            byte[] prefix = in.readNBytes(PREFIX_BYTES);
            if (prefix.length == PREFIX_BYTES && Multipart.field(prefix, "model").isEmpty()) {
                // the model field comes after the file: this upload has to be buffered to find it
                byte[] rest = in.readAllBytes();
                byte[] all = new byte[prefix.length + rest.length];
                System.arraycopy(prefix, 0, all, 0, prefix.length);
                System.arraycopy(rest, 0, all, prefix.length, rest.length);
                return all;
            }
            return prefix;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ApiException tooLarge(long max) {
        return new ApiException(413, "invalid_request_error", "request_too_large",
                                "Request body too large: the limit is " + max + " bytes.");
    }

    private static String clip(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "…" : s;
    }
}
