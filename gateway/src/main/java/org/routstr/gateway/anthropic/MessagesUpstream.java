package org.routstr.gateway.anthropic;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerRequestHeaders;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.routstr.common.json.Json;
import org.routstr.gateway.catalog.Route;
import org.routstr.gateway.proxy.ProxySettings;
import org.routstr.gateway.proxy.RateLimitHeaders;

/**
 * Sends a Messages request to the routes of a model in order: as it is to an Anthropic provider ({@code /messages},
 * {@code x-api-key}), translated to chat completions for an OpenAI-compatible one. Fails over as the chat proxy does: on
 * connection errors, 5xx, 429, 401 and 403; any other 4xx is the client's and goes back unchanged.
 */
final class MessagesUpstream {
    static final HeaderName VERSION = HeaderNames.create("anthropic-version");
    static final HeaderName BETA = HeaderNames.create("anthropic-beta");
    static final HeaderName API_KEY = HeaderNames.create("x-api-key");
    static final String DEFAULT_VERSION = "2023-06-01";
    private static final System.Logger LOG = System.getLogger(MessagesUpstream.class.getName());
    private final WebClient client;
    private final ProxySettings settings;

    MessagesUpstream(ProxySettings settings) {
        this.settings = settings;
        this.client = WebClient.builder().connectTimeout(settings.connectTimeout()).readTimeout(settings.upstreamTimeout())
                .followRedirects(false).build();
    }

    /** What trying the routes gave. */
    sealed interface Attempt {
    }

    /** A 2xx from {@code route}; the caller closes {@code response}. */
    record Served(Route route, HttpClientResponse response) implements Attempt {
    }

    /** An upstream 4xx about the request itself. */
    record Rejected(int status, String contentType, byte[] body) implements Attempt {
    }

    /** Every route failed; the last HTTP status and its rate-limit headers, if any. */
    record Failed(Optional<Integer> lastStatus, Map<String, String> rateLimit) implements Attempt {
    }

    Attempt send(List<Route> routes, ObjectNode request, boolean stream, ServerRequestHeaders headers) {
        Optional<Integer> lastStatus = Optional.empty();
        Map<String, String> rateLimit = Map.of();
        for (Route r : routes) {
            HttpClientResponse res;
            try {
                res = post(r, r.provider().anthropic() ? "/messages" : "/chat/completions", headers, stream,
                           r.provider().anthropic() ? asIs(request, r) : ChatRequests.of(request, r.upstreamId()));
            } catch (UncheckedIOException | IllegalStateException e) {
                LOG.log(Level.WARNING, "upstream " + r.provider().slug() + " unreachable: " + e.getMessage());
                continue;
            }
            int status = res.status().code();
            if (status / 100 == 2) {
                return new Served(r, res);
            }
            try (res) {
                if (status == 429 || status >= 500 || status == 401 || status == 403) {
                    LOG.log(Level.WARNING, "upstream " + r.provider().slug() + " answered " + status + "; trying the next");
                    lastStatus = Optional.of(status);
                    rateLimit = RateLimitHeaders.of(res.headers());
                    continue;
                }
                byte[] body = res.inputStream().readAllBytes();
                return new Rejected(status, res.headers().contentType().map(Object::toString).orElse("application/json"), body);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "upstream " + r.provider().slug() + " failed reading an error body: " + e.getMessage());
            }
        }
        return new Failed(lastStatus, rateLimit);
    }

    /** Counts tokens at an Anthropic provider; empty when it cannot. */
    Optional<byte[]> countTokens(Route r, ObjectNode request, ServerRequestHeaders headers) {
        try (HttpClientResponse res = post(r, "/messages/count_tokens", headers, false, asIs(request, r))) {
            return res.status().code() == 200 ? Optional.of(res.inputStream().readAllBytes()) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "count_tokens at " + r.provider().slug() + " failed: " + e.getMessage());
            return Optional.empty();
        }
    }

    private HttpClientResponse post(Route r, String path, ServerRequestHeaders headers, boolean stream, byte[] body) {
        HttpClientRequest req = client.post(r.provider().baseUrl() + path)
                .readTimeout(stream ? settings.streamTimeout() : settings.upstreamTimeout())
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .header(HeaderNames.ACCEPT, stream ? "text/event-stream" : "application/json")
                .header(HeaderNames.ACCEPT_ENCODING, "identity");
        if (r.provider().anthropic()) {
            req.header(VERSION, headers.first(VERSION).orElse(DEFAULT_VERSION));
            headers.first(BETA).ifPresent(b -> req.header(BETA, b));
            r.provider().apiKey().ifPresent(k -> req.header(API_KEY, k));
        } else {
            r.provider().apiKey().ifPresent(k -> req.header(HeaderNames.AUTHORIZATION, "Bearer " + k));
        }
        return req.submit(body);
    }

    private static byte[] asIs(ObjectNode request, Route r) {
        ObjectNode copy = request.deepCopy();
        copy.put("model", r.upstreamId());
        return Json.bytes(copy);
    }
}
