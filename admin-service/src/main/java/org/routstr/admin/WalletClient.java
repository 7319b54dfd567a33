package org.routstr.admin;

import java.time.Duration;

import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;

import com.fasterxml.jackson.databind.JsonNode;

import org.routstr.common.http.ApiException;
import org.routstr.common.json.Json;

/**
 * wallet-service's internal API (header {@code X-Routstr-Internal}): the owner's share and owner withdrawals (token or
 * Lightning). The wallet
 * computes the share under its own lock; admin never moves money itself.
 */
public final class WalletClient {
    private final WebClient client;
    private final String token;

    public WalletClient(String baseUrl, String token, Duration timeout) {
        this.client = WebClient.builder().baseUri(baseUrl).readTimeout(timeout).connectTimeout(Duration.ofSeconds(3)).build();
        this.token = token;
    }

    /** {@code GET /internal/owner/balance}: wallet_msat, user_msat, owner_msat, holdings. */
    public JsonNode ownerBalance() {
        return call("GET", "/internal/owner/balance", null);
    }

    /** {@code POST /internal/owner/withdraw}; the wallet's own 4xx (for example more than the owner's share) passes through. */
    public JsonNode withdraw(JsonNode body) {
        return call("POST", "/internal/owner/withdraw", body);
    }

    /** {@code POST /internal/owner/melt}: the owner's Lightning withdrawal (state paid, pending or failed). */
    public JsonNode melt(JsonNode body) {
        return call("POST", "/internal/owner/melt", body);
    }

    private JsonNode call(String method, String path, JsonNode body) {
        try (HttpClientResponse r = send(method, path, body)) {
            byte[] bytes = r.inputStream().readAllBytes();
            JsonNode n = bytes.length == 0 ? Json.object() : Json.parse(bytes);
            int status = r.status().code();
            if (status >= 400 && status < 500) {
                throw new ApiException(status, "invalid_request_error", n.at("/error/code").asText("wallet_refused"),
                                       n.at("/error/message").asText("the wallet refused the request"));
            }
            if (status >= 500) {
                throw ApiException.unavailable("wallet_unavailable", "wallet-service answered " + status);
            }
            return n;
        } catch (java.io.IOException | RuntimeException e) {
            if (e instanceof ApiException a) {
                throw a;
            }
            throw ApiException.unavailable("wallet_unavailable", "wallet-service is not reachable");
        }
    }

    private HttpClientResponse send(String method, String path, JsonNode body) {
        var req = client.method(io.helidon.http.Method.create(method)).path(path).header(HeaderNames.create("X-Routstr-Internal"), token);
        return body == null ? req.request() : req.header(HeaderNames.CONTENT_TYPE, "application/json").submit(Json.bytes(body));
    }
}
