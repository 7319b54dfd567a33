package org.routstr.gateway.proxy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

import io.helidon.http.HeaderNames;
import io.helidon.http.ServerRequestHeaders;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;

import org.routstr.common.tracing.Tracing;
import org.routstr.gateway.catalog.Route;
import org.routstr.gateway.metrics.GatewayMetrics;

/**
 * Sends a request to the routes of a model in order, failing over on connection errors, timeouts, 5xx, 429 and the
 * provider refusing our own credentials (401/403); any other 4xx is the client's and is passed through. Uploads fail over
 * the same way (they are spooled, see {@link Upload}).
 */
final class UpstreamClient {
    private static final System.Logger LOG = System.getLogger(UpstreamClient.class.getName());
    private final WebClient client;
    private final ProxySettings settings;

    UpstreamClient(ProxySettings settings) {
        this.settings = settings;
        this.client = WebClient.builder()
                .connectTimeout(settings.connectTimeout())
                .readTimeout(settings.upstreamTimeout())
                .followRedirects(false)
                .addService(Tracing.propagation())
                .build();
    }

    /** Tries each route; {@code body} gives the bytes to send to a route (its model id differs per provider). */
    Outcome send(List<Route> routes, String endpoint, ServerRequestHeaders headers, boolean stream,
                 Function<Route, byte[]> body) {
        return each(routes, endpoint, headers, stream ? settings.streamTimeout() : settings.upstreamTimeout(),
                    (r, req) -> req.submit(body.apply(r)));
    }

    /** Sends a spooled upload (audio) to each route in turn, with that route's model id in its form. */
    Outcome upload(List<Route> routes, String endpoint, ServerRequestHeaders headers, Upload upload) {
        return each(routes, endpoint, headers, settings.upstreamTimeout(), (r, req) -> {
            req.header(HeaderNames.CONTENT_LENGTH, String.valueOf(upload.length(r.upstreamId())));
            return req.outputStream(os -> {
                upload.write(r.upstreamId(), os);
                os.close();
            });
        });
    }

    private Outcome each(List<Route> routes, String endpoint, ServerRequestHeaders headers, Duration timeout,
                         BiFunction<Route, HttpClientRequest, HttpClientResponse> submit) {
        Optional<Integer> lastStatus = Optional.empty();
        Optional<String> retryAfter = Optional.empty();
        Map<String, String> rateLimit = Map.of();
        for (Route r : routes) {
            HttpClientRequest req = client.post(r.provider().baseUrl() + "/" + endpoint).readTimeout(timeout);
            Headers.copyUpstream(headers, req);
            r.provider().apiKey().ifPresent(k -> req.header(HeaderNames.AUTHORIZATION, "Bearer " + k));
            HttpClientResponse res;
            long sent = System.nanoTime();
            try {
                res = submit.apply(r, req);
            } catch (UncheckedIOException | IllegalStateException e) {
                LOG.log(Level.WARNING, "upstream " + r.provider().slug() + " unreachable: " + e.getMessage());
                GatewayMetrics.failover(r.provider().slug());
                continue;
            }
            GatewayMetrics.timeToFirstByte(r.provider().slug(), System.nanoTime() - sent);
            Optional<Outcome> o = classify(r, res);
            if (o.isPresent()) {
                return o.get();
            }
            GatewayMetrics.failover(r.provider().slug());
            lastStatus = Optional.of(res.status().code());
            retryAfter = res.headers().first(HeaderNames.RETRY_AFTER);
            rateLimit = RateLimitHeaders.of(res.headers());
        }
        return new Outcome.Failed(lastStatus, retryAfter, rateLimit);
    }

    /** Served or Rejected; empty (response closed) when the status calls for the next route. */
    private static Optional<Outcome> classify(Route r, HttpClientResponse res) {
        int status = res.status().code();
        if (status / 100 == 2) {
            return Optional.of(new Outcome.Served(r, res));
        }
        try (res) {
            if (status == 429 || status >= 500 || status == 401 || status == 403) {
                LOG.log(Level.WARNING, "upstream " + r.provider().slug() + " answered " + status + "; trying the next");
                return Optional.empty();
            }
            byte[] bytes = res.inputStream().readAllBytes();
            String type = res.headers().contentType().map(Object::toString).orElse("application/json");
            return Optional.of(new Outcome.Rejected(r, status, type, bytes));
        } catch (IOException e) {
            LOG.log(Level.WARNING, "upstream " + r.provider().slug() + " failed reading an error body: " + e.getMessage());
            return Optional.empty();
        }
    }
}
