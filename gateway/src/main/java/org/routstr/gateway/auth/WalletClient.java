package org.routstr.gateway.auth;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;

import com.fasterxml.jackson.databind.JsonNode;

import org.routstr.common.http.ApiException;
import org.routstr.common.json.Json;
import org.routstr.common.tracing.Tracing;

/**
 * Calls wallet-service's internal API (contract 1): redeem a Cashu bearer token, redeem an X-Cashu token, fetch the change.
 * Every call carries {@code X-Routstr-Internal}; wallet errors come back as {@link WalletException} for pass-through.
 */
public final class WalletClient {
    private static final System.Logger LOG = System.getLogger(WalletClient.class.getName());
    private final WebClient client;
    private final String internalToken;

    public WalletClient(String baseUrl, String internalToken, Duration timeout) {
        this.client = WebClient.builder().addService(Tracing.propagation()).baseUri(baseUrl).readTimeout(timeout).connectTimeout(Duration.ofSeconds(5)).build();
        this.internalToken = internalToken;
    }

    /** Redeems a bearer token once (idempotent by token); returns the account's key hash. */
    public String redeem(String token, String requestId) {
        return post("/internal/redeem", Map.of("token", token, "request_id", requestId)).path("key_hash").asText();
    }

    /** Redeems an X-Cashu token into its own account; returns that account's key hash. */
    public String redeemXCashu(String token, String requestId) {
        return post("/internal/x-cashu/redeem", Map.of("token", token, "request_id", requestId)).path("key_hash").asText();
    }

    /** The change token for an X-Cashu request; empty when nothing is left or the settlement is still pending. */
    public Optional<String> change(String keyHash, String requestId) {
        JsonNode n = post("/internal/x-cashu/change", Map.of("key_hash", keyHash, "request_id", requestId));
        return n.path("token").isTextual() ? Optional.of(n.path("token").asText()) : Optional.empty();
    }

    /**
     * One internal call. A failure before any answer that is not a timeout (the pooled keep-alive connection the wallet
     * closed just as it was reused: reset, closed, no data) is tried once more on a fresh connection; every internal
     * call is idempotent (redeems by token, change by request id), so a call the wallet did see answers the same again.
     */
    private JsonNode post(String path, Map<String, String> body) {
        try {
            return send(path, body);
        } catch (WalletException e) {
            throw e;
        } catch (RuntimeException e) {
            if (timedOut(e)) {
                throw unavailable(path, e);
            }
            LOG.log(Level.WARNING, "wallet call " + path + " failed before an answer (" + describe(e) + "); trying once more");
            try {
                return send(path, body);
            } catch (WalletException again) {
                throw again;
            } catch (RuntimeException again) {
                throw unavailable(path, again);
            }
        }
    }

    private JsonNode send(String path, Map<String, String> body) {
        try (HttpClientResponse r = client.post(path)
                .header(HeaderNames.create("X-Routstr-Internal"), internalToken)
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .submit(Json.bytes(body))) {
            byte[] bytes = r.entity().as(byte[].class);
            int status = r.status().code();
            if (status / 100 != 2) {
                throw new WalletException(status, bytes);
            }
            return Json.mapper().readTree(bytes);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static ApiException unavailable(String path, RuntimeException e) {
        LOG.log(Level.WARNING, "wallet call " + path + " failed: " + describe(e));
        return ApiException.unavailable("wallet_unavailable", "The wallet service is unavailable; try again shortly.");
    }

    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.net.SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return e.getClass().getSimpleName() + (root != e ? " / " + root.getClass().getSimpleName() : "") + ": " + root.getMessage();
    }
}
