package org.routstr.gateway.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.Supplier;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import org.routstr.common.http.ApiException;
import org.routstr.common.http.RequestIds;
import org.routstr.common.json.Json;
import org.routstr.gateway.auth.Authenticator;
import org.routstr.gateway.auth.Caller;
import org.routstr.gateway.auth.WalletClient;
import org.routstr.gateway.catalog.Catalog;
import org.routstr.gateway.catalog.Route;
import org.routstr.gateway.limits.RateLimiter;
import org.routstr.gateway.metrics.GatewayMetrics;
import org.routstr.gateway.pricing.Budget;
import org.routstr.gateway.pricing.MediaTokens;
import org.routstr.gateway.pricing.Pricer;
import org.routstr.gateway.pricing.PromptTokens;
import org.routstr.gateway.usage.InFlight;
import org.routstr.gateway.usage.UsagePublisher;
import org.routstr.ledger.Ledger;

/**
 * The paid OpenAI-compatible endpoints, with and without {@code /v1}: authenticate (X-Cashu after validation, see
 * {@link XCashu}), validate, reserve the worst case in one SQL round trip, forward with failover, then meter (see
 * {@link Responder}).
 */
public final class ProxyHttpService implements HttpService {
    private static final List<String> JSON_ENDPOINTS = List.of("chat/completions", "completions", "embeddings",
                                                               "images/generations", "responses", "moderations",
                                                               "audio/speech");
    private static final java.util.regex.Pattern CUSTOM_PATH = java.util.regex.Pattern.compile("/v1(/[A-Za-z0-9][A-Za-z0-9_.-]*)+");
    private static final List<String> UPLOAD_ENDPOINTS = List.of("audio/transcriptions", "audio/translations");
    private final Authenticator auth;
    private final Catalog catalog;
    private final Pricer pricer;
    private final PromptTokens promptTokens;
    private final MediaTokens media;
    private final Ledger ledger;
    private final UpstreamClient upstream;
    private final Responder responder;
    private final Metering metering;
    private final XCashu xCashu;
    private final InFlight inFlight;
    private final RateLimiter perKey;
    private final RateLimiter perIp;
    private final ProxySettings settings;
    private final BodyBudget bodies;
    private final Reservations reservations;

    public ProxyHttpService(Authenticator auth, Catalog catalog, Pricer pricer, MediaTokens media, Ledger ledger,
                            UsagePublisher publisher, Optional<WalletClient> wallet, InFlight inFlight, RateLimiter perKey,
                            RateLimiter perIp, ProxySettings settings) {
        this.auth = auth;
        this.catalog = catalog;
        this.pricer = pricer;
        this.media = media;
        this.promptTokens = new PromptTokens(media);
        this.ledger = ledger;
        this.upstream = new UpstreamClient(settings);
        this.metering = new Metering(ledger, publisher, wallet);
        this.responder = new Responder(pricer, metering);
        this.xCashu = new XCashu(auth, metering);
        this.inFlight = inFlight;
        this.perKey = perKey;
        this.perIp = perIp;
        this.settings = settings;
        this.bodies = new BodyBudget(settings.maxBufferedBodyBytes());
        this.reservations = new Reservations(ledger, auth);
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

    /**
     * The user guide's custom provider endpoints: any other {@code POST /v1/…} path that names a model is forwarded to that
     * model's providers at the same path, priced per request (its per-request price, else the reserved estimate) unless
     * the upstream reports usage. Registered after every other route, so it only sees paths nothing else serves.
     */
    public HttpService customEndpoints() {
        return rules -> rules.post("/v1/*", (req, res) -> {
            String path = req.path().path();
            if (!CUSTOM_PATH.matcher(path).matches()) {
                throw ApiException.notFound("Path '" + clip(path) + "' not found");
            }
            json(req, res);
        });
    }

    /** A key pays: authenticated first. X-Cashu pays: the request is validated and priced before the token is redeemed. */
    private void json(ServerRequest req, ServerResponse res) {
        String requestId = RequestIds.of(req, res);
        long declared = req.headers().contentLength().orElse(-1);
        if (declared > settings.maxRequestBytes()) {
            throw tooLarge(settings.maxRequestBytes());
        }
        BodyBudget.Lease lease;
        try {
            lease = bodies.take(declared < 0 ? settings.maxRequestBytes() : declared);
        } catch (ApiException busy) {
            res.header(HeaderNames.RETRY_AFTER, "1");
            throw busy;
        }
        try (lease) {
            buffered(req, res, requestId);
        }
    }

    private void buffered(ServerRequest req, ServerResponse res, String requestId) {
        Optional<Caller> byKey = byKey(req, requestId);
        JsonRequest j = JsonRequest.parse(endpoint(req), read(req, settings.maxRequestBytes()));
        List<Route> routes = routes(j.model());
        Budget budget = j.budget(promptTokens);
        long estimate = routes.stream().mapToLong(r -> pricer.estimate(r, budget)).max().orElseThrow();
        Caller caller = byKey.orElseGet(() -> byToken(req, requestId, estimate, j.model()));
        UUID reservation = PaidRequest.reservationOf(requestId);
        xCashu.refundUnlessServed(req, res, caller, reservation, () -> {
            PaidRequest p = reservations.reserve(new PaidRequest(requestId, caller, reservation, estimate, j.model(), j.endpoint(),
                                                                 j.stream(), budget.images(), routes, budget.characters()));
            serve(p, res, () -> upstream.send(routes, j.endpoint(), req.headers(), j.stream(), j::body));
        });
    }

    private void upload(ServerRequest req, ServerResponse res) {
        String requestId = RequestIds.of(req, res);
        Optional<Caller> byKey = byKey(req, requestId);
        if (req.headers().contentLength().orElse(-1) > settings.maxUploadBytes()) {
            throw tooLarge(settings.maxUploadBytes());
        }
        String type = req.headers().contentType().map(Object::toString).orElse("");
        try (Upload u = Upload.spool(req.content().inputStream(), settings.maxUploadBytes(), type)) {
            List<Route> routes = routes(u.model());
            Budget budget = Budget.of(media.audioTokens(u.size()), OptionalLong.empty());
            long estimate = routes.stream().mapToLong(r -> pricer.estimate(r, budget)).max().orElseThrow();
            Caller caller = byKey.orElseGet(() -> byToken(req, requestId, estimate, u.model()));
            UUID reservation = PaidRequest.reservationOf(requestId);
            String endpoint = endpoint(req);
            xCashu.refundUnlessServed(req, res, caller, reservation, () -> {
                PaidRequest p = reservations.reserve(new PaidRequest(requestId, caller, reservation, estimate, u.model(), endpoint,
                                                                     false, 0, routes));
                serve(p, res, () -> upstream.upload(routes, endpoint, req.headers(), u));
            });
        }
    }

    private void serve(PaidRequest p, ServerResponse res, Supplier<Outcome> send) {
        boolean metered = false;
        inFlight.add(p.reservation(), p.reservedMsat());
        try {
            long sent = System.nanoTime();
            Outcome o = send.get();
            switch (o) {
                case Outcome.Served s -> {
                    metered = true;
                    responder.respond(p, s, res);
                    GatewayMetrics.upstreamDuration(s.route().provider().slug(), System.nanoTime() - sent);
                }
                case Outcome.Rejected r -> {
                    metered = true;
                    metering.nothingServed(p, r.status());
                    metering.change(p.caller(), p.reservation()).ifPresent(t -> res.header(Responder.X_CASHU, t));
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

    /** The caller of a request paid with a key or a Cashu bearer token; empty for X-Cashu (redeemed later, see byToken). */
    private Optional<Caller> byKey(ServerRequest req, String requestId) {
        perIp.check(req.remotePeer().host());
        if (XCashu.token(req).isPresent()) {
            return Optional.empty();
        }
        Caller caller = auth.authenticate(req.headers().first(HeaderNames.AUTHORIZATION), Optional.empty(), requestId);
        perKey.check(caller.keyHash());
        return Optional.of(caller);
    }

    private Caller byToken(ServerRequest req, String requestId, long estimate, String model) {
        Caller caller = xCashu.redeem(XCashu.token(req).orElseThrow(), requestId, estimate, model);
        perKey.check(caller.keyHash());
        return caller;
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

    static ApiException tooLarge(long max) {
        return new ApiException(413, "invalid_request_error", "request_too_large",
                                "Request body too large: the limit is " + max + " bytes.");
    }

    private static String clip(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "…" : s;
    }
}
