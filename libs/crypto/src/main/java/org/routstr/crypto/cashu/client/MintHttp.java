package org.routstr.crypto.cashu.client;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.function.Supplier;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.routstr.crypto.cashu.CashuJson;

/** JSON over the Helidon WebClient with the retry and error-mapping rules of {@link MintClient}. */
final class MintHttp {
    static final int MAX_BODY = 4 * 1024 * 1024;
    private final WebClient web;
    private final String base;
    private final Duration readTimeout;
    private final int maxAttempts;
    private final Duration backoff;

    MintHttp(WebClient web, String base, Duration readTimeout, int maxAttempts, Duration backoff) {
        this.web = web;
        this.base = base;
        this.readTimeout = readTimeout;
        this.maxAttempts = maxAttempts;
        this.backoff = backoff;
    }

    JsonNode getIdempotent(String path) {
        return retrying(() -> exchange(Method.GET, path, null, readTimeout));
    }

    JsonNode postIdempotent(String path, Object body) {
        return retrying(() -> exchange(Method.POST, path, body, readTimeout));
    }

    JsonNode postOnce(String path, Object body, Duration timeout) {
        return exchange(Method.POST, path, body, timeout == null ? readTimeout : timeout);
    }

    <T> T read(JsonNode body, Class<T> type) {
        try {
            return CashuJson.mapper().treeToValue(body, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new MintProtocolException("unexpected " + type.getSimpleName() + " from mint", e);
        }
    }

    private JsonNode retrying(Supplier<JsonNode> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (MintUnreachableException e) {
                if (attempt >= maxAttempts) {
                    throw e;
                }
                pause(backoff.multipliedBy(attempt));
            }
        }
    }

    private JsonNode exchange(Method method, String path, Object body, Duration timeout) {
        byte[] json = body == null ? null : write(body);
        HttpClientRequest req = web.method(method).uri(base + path).readTimeout(timeout)
                .header(HeaderNames.ACCEPT, "application/json");
        int status;
        byte[] bytes;
        try (HttpClientResponse res = json == null ? req.request()
                : req.header(HeaderNames.CONTENT_TYPE, "application/json").submit(json)) {
            status = res.status().code();
            bytes = bounded(res);
        } catch (MintProtocolException e) {
            throw e;
        } catch (RuntimeException e) {
            // Helidon reports refused connections and timeouts as unchecked exceptions: classify, keep the cause
            throw new MintUnreachableException(method + " " + path + " failed: " + e.getClass().getSimpleName(),
                    !neverSent(e), e);
        }
        return interpret(method, path, status, bytes);
    }

    /** A mint's answer is read up to {@link #MAX_BODY} bytes; a larger one is a protocol error, never a heap risk. */
    private static byte[] bounded(HttpClientResponse res) {
        try (java.io.InputStream in = res.inputStream()) {
            byte[] b = in.readNBytes(MAX_BODY + 1);
            if (b.length > MAX_BODY) {
                throw new MintProtocolException("mint answer larger than " + MAX_BODY + " bytes", null);
            }
            return b;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private JsonNode interpret(Method method, String path, int status, byte[] bytes) {
        JsonNode tree = parse(bytes);
        if (status >= 200 && status < 300) {
            if (tree == null) {
                throw new MintProtocolException(method + " " + path + ": response is not JSON", null);
            }
            return tree;
        }
        if (status >= 500 || status == 429 || status == 408) {
            throw new MintUnreachableException(method + " " + path + ": HTTP " + status, true, null);
        }
        int code = tree == null ? 0 : tree.path("code").asInt(0);
        String detail = tree == null ? "HTTP " + status : tree.path("detail").asText("HTTP " + status);
        throw MintRejectedException.of(status, code, detail);
    }

    private static JsonNode parse(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return null;
        }
        try {
            return CashuJson.mapper().readTree(bytes);
        } catch (IOException e) {
            return null; // callers decide: non-JSON is a protocol error on 2xx and a generic rejection otherwise
        }
    }

    private static byte[] write(Object body) {
        try {
            return CashuJson.mapper().writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + body.getClass().getSimpleName(), e);
        }
    }

    private static boolean neverSent(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof NoRouteToHostException) {
                return true;
            }
        }
        return false;
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MintUnreachableException("interrupted while waiting to retry", false, e);
        }
    }
}
