package org.routstr.crypto.cashu.client;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import io.helidon.webclient.api.WebClient;

import com.fasterxml.jackson.databind.JsonNode;
import org.routstr.crypto.cashu.CashuException;
import org.routstr.crypto.cashu.nut01.Keys;
import org.routstr.crypto.cashu.nut01.KeysResponse;
import org.routstr.crypto.cashu.nut01.MintKeyset;
import org.routstr.crypto.cashu.nut02.KeysetsResponse;
import org.routstr.crypto.cashu.nut03.SwapRequest;
import org.routstr.crypto.cashu.nut03.SwapResponse;
import org.routstr.crypto.cashu.nut04.MintQuoteRequest;
import org.routstr.crypto.cashu.nut04.MintQuoteResponse;
import org.routstr.crypto.cashu.nut04.MintRequest;
import org.routstr.crypto.cashu.nut04.MintResponse;
import org.routstr.crypto.cashu.nut05.MeltQuoteRequest;
import org.routstr.crypto.cashu.nut05.MeltQuoteResponse;
import org.routstr.crypto.cashu.nut05.MeltRequest;
import org.routstr.crypto.cashu.nut06.MintInfo;
import org.routstr.crypto.cashu.nut07.CheckStateRequest;
import org.routstr.crypto.cashu.nut07.CheckStateResponse;
import org.routstr.crypto.cashu.nut09.RestoreRequest;
import org.routstr.crypto.cashu.nut09.RestoreResponse;

/**
 * Blocking client of a mint's HTTP API (v1). Read-only calls (info, keys, keysets, checkstate, restore) are retried
 * on network errors and 5xx; swap, mint and melt are never retried, and a lost answer surfaces as
 * {@link MintUnreachableException} with an ambiguous outcome. Errors: {@link MintRejectedException} (with
 * {@link MintErrorKind}), {@link MintUnreachableException}, {@link MintProtocolException}. Thread-safe.
 *
 * @see <a href="https://github.com/cashubtc/nuts">NUT-01…09</a>
 */
public final class MintClient {
    private final MintHttp http;
    private final String url;
    private final Duration meltTimeout;

    private MintClient(Builder b) {
        this.url = stripSlash(b.url);
        var web0 = WebClient.builder()
                .connectTimeout(b.connectTimeout)
                .readTimeout(b.readTimeout)
                .followRedirects(false)
                // this client's own keep-alive connections: Helidon's shared cache would hand a new client a
                // connection an earlier one left open to a mint since stopped, and a request written on it cannot
                // tell "refused" (never sent) from "sent, answer lost"
                .shareConnectionCache(false);
        if (b.dnsResolver != null) {
            web0.dnsResolver(b.dnsResolver);
        }
        if (b.service != null) {
            web0.addService(b.service);
        }
        WebClient web = web0.build();
        this.http = new MintHttp(web, url, b.readTimeout, b.maxAttempts, b.retryBackoff);
        this.meltTimeout = b.meltTimeout;
    }

    /** A client with default timeouts (connect 5 s, read 30 s, melt 120 s, 3 attempts for read-only calls). */
    public static MintClient create(String mintUrl) {
        return builder(mintUrl).build();
    }

    /** A builder for a mint URL (a trailing '/' is stripped). */
    public static Builder builder(String mintUrl) {
        return new Builder(mintUrl);
    }

    /** The normalised mint URL. */
    public String url() {
        return url;
    }

    /** {@code GET /v1/info}. */
    public MintInfo info() {
        return http.read(http.getIdempotent("/v1/info"), MintInfo.class);
    }

    /** {@code GET /v1/keys}: the active keysets; every keyset id is checked against its keys. */
    public KeysResponse keys() {
        KeysResponse r = parseKeys(http.getIdempotent("/v1/keys"));
        r.keysets().forEach(MintClient::checkId);
        return r;
    }

    /** {@code GET /v1/keys/{id}}. */
    public MintKeyset keys(String keysetId) {
        KeysResponse r = parseKeys(http.getIdempotent("/v1/keys/" + pathSegment(keysetId)));
        MintKeyset ks = r.keysets().stream().filter(k -> k.id().equals(keysetId)).findFirst()
                .orElseThrow(() -> new MintProtocolException("mint did not return keyset " + keysetId, null));
        checkId(ks);
        return ks;
    }

    /** {@code GET /v1/keysets}. */
    public KeysetsResponse keysets() {
        return http.read(http.getIdempotent("/v1/keysets"), KeysetsResponse.class);
    }

    /** {@code POST /v1/swap} (never retried). */
    public SwapResponse swap(SwapRequest request) {
        return http.read(http.postOnce("/v1/swap", request, null), SwapResponse.class);
    }

    /** {@code POST /v1/mint/quote/bolt11} (never retried: it would create a second quote). */
    public MintQuoteResponse createMintQuote(MintQuoteRequest request) {
        return http.read(http.postOnce("/v1/mint/quote/bolt11", request, null), MintQuoteResponse.class);
    }

    /** {@code GET /v1/mint/quote/bolt11/{id}}. */
    public MintQuoteResponse mintQuote(String quoteId) {
        return http.read(http.getIdempotent("/v1/mint/quote/bolt11/" + pathSegment(quoteId)), MintQuoteResponse.class);
    }

    /** {@code POST /v1/mint/bolt11} (never retried). */
    public MintResponse mint(MintRequest request) {
        return http.read(http.postOnce("/v1/mint/bolt11", request, null), MintResponse.class);
    }

    /** {@code POST /v1/melt/quote/bolt11}. */
    public MeltQuoteResponse createMeltQuote(MeltQuoteRequest request) {
        return http.read(http.postOnce("/v1/melt/quote/bolt11", request, null), MeltQuoteResponse.class);
    }

    /** {@code GET /v1/melt/quote/bolt11/{id}}. */
    public MeltQuoteResponse meltQuote(String quoteId) {
        return http.read(http.getIdempotent("/v1/melt/quote/bolt11/" + pathSegment(quoteId)), MeltQuoteResponse.class);
    }

    /** {@code POST /v1/melt/bolt11}: blocks until the payment resolves (melt timeout), never retried. */
    public MeltQuoteResponse melt(MeltRequest request) {
        return http.read(http.postOnce("/v1/melt/bolt11", request, meltTimeout), MeltQuoteResponse.class);
    }

    /** {@code POST /v1/checkstate} (read-only, retried). */
    public CheckStateResponse checkState(List<String> ys) {
        return http.read(http.postIdempotent("/v1/checkstate", new CheckStateRequest(ys)), CheckStateResponse.class);
    }

    /** {@code POST /v1/restore} (read-only, retried). */
    public RestoreResponse restore(RestoreRequest request) {
        return http.read(http.postIdempotent("/v1/restore", request), RestoreResponse.class);
    }

    private static KeysResponse parseKeys(JsonNode body) {
        try {
            return Keys.parse(body);
        } catch (CashuException e) {
            throw new MintProtocolException("invalid keys from mint: " + e.getMessage(), e);
        }
    }

    private static void checkId(MintKeyset ks) {
        boolean versioned = ks.id().matches("00[0-9a-f]{14}|01[0-9a-f]{64}");
        if (versioned && !ks.idMatchesKeys()) {
            throw new MintProtocolException("keyset id " + ks.id() + " does not match its keys", null);
        }
    }

    private static String pathSegment(String s) {
        if (!s.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("invalid path segment");
        }
        return s;
    }

    private static String stripSlash(String u) {
        String s = Objects.requireNonNull(u, "mint url").strip();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    /** Builder of {@link MintClient}. */
    public static final class Builder {
        private final String url;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration readTimeout = Duration.ofSeconds(30);
        private Duration meltTimeout = Duration.ofSeconds(120);
        private Duration retryBackoff = Duration.ofMillis(200);
        private int maxAttempts = 3;
        private io.helidon.webclient.spi.DnsResolver dnsResolver;
        private io.helidon.webclient.spi.WebClientService service;

        private Builder(String url) {
            this.url = url;
        }

        /** Connect timeout. */
        public Builder connectTimeout(Duration d) {
            this.connectTimeout = Objects.requireNonNull(d);
            return this;
        }

        /** Read timeout of every call except melt. */
        public Builder readTimeout(Duration d) {
            this.readTimeout = Objects.requireNonNull(d);
            return this;
        }

        /** Read timeout of {@code POST /v1/melt/bolt11} (the mint answers when the payment resolves). */
        public Builder meltTimeout(Duration d) {
            this.meltTimeout = Objects.requireNonNull(d);
            return this;
        }

        /** Attempts for read-only calls (1 = no retry). */
        public Builder maxAttempts(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxAttempts must be >= 1");
            }
            this.maxAttempts = n;
            return this;
        }

        /** Pause before the n-th retry is n × this. */
        public Builder retryBackoff(Duration d) {
            this.retryBackoff = Objects.requireNonNull(d);
            return this;
        }

        /** Resolves (and may refuse) the mint's host at every connect, for example to keep client-chosen mints public. */
        public Builder dnsResolver(io.helidon.webclient.spi.DnsResolver resolver) {
            this.dnsResolver = Objects.requireNonNull(resolver);
            return this;
        }

        /** Wraps every call to the mint (metrics, tracing). */
        public Builder service(io.helidon.webclient.spi.WebClientService s) {
            this.service = Objects.requireNonNull(s);
            return this;
        }

        /** Builds the client. */
        public MintClient build() {
            return new MintClient(this);
        }
    }
}
