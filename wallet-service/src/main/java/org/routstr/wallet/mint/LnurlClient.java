package org.routstr.wallet.mint;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;

import com.fasterxml.jackson.databind.JsonNode;

import org.routstr.common.json.Json;

/**
 * LNURL-pay (LUD-06/LUD-16): turns a Lightning address {@code user@host} or an {@code https://} LNURL-pay URL into a
 * bolt11 invoice for an amount. Every URL (the address's, the callback) passes the {@link OutboundGuard}, which is also the
 * client's DNS resolver; no redirect is followed, answers are read up to 64 KiB, and each call times out.
 */
final class LnurlClient {
    private static final int MAX_BODY = 64 * 1024;
    private final OutboundGuard guard;
    private final WebClient http;

    LnurlClient(OutboundGuard guard) {
        this.guard = guard;
        this.http = WebClient.builder().connectTimeout(Duration.ofSeconds(5)).readTimeout(Duration.ofSeconds(10))
                .followRedirects(false).dnsResolver(guard).build();
    }

    /** A bolt11 invoice of {@code msat} from the address; unchecked {@link LnurlException} on any failure. */
    String invoice(String address, long msat) {
        JsonNode pay = get(payUrl(address.strip()));
        if (!"payRequest".equals(pay.path("tag").asText())) {
            throw new LnurlException("not an LNURL-pay endpoint");
        }
        if (msat < pay.path("minSendable").asLong(1) || msat > pay.path("maxSendable").asLong(Long.MAX_VALUE)) {
            throw new LnurlException("amount outside the address's limits");
        }
        String callback = pay.path("callback").asText();
        String sep = callback.contains("?") ? "&" : "?";
        JsonNode inv = get(check(callback + sep + "amount=" + msat));
        String pr = inv.path("pr").asText("");
        if (pr.isEmpty()) {
            throw new LnurlException("no invoice: " + inv.path("reason").asText("unknown"));
        }
        return pr;
    }

    /** The LNURL-pay endpoint of an address, checked by the guard; unchecked {@link LnurlException} if malformed or refused. */
    URI endpoint(String address) {
        return payUrl(address.strip());
    }

    private URI payUrl(String address) {
        if (address.startsWith("https://") || address.startsWith("http://")) {
            return check(address);
        }
        int at = address.indexOf('@');
        if (at <= 0 || at == address.length() - 1) {
            throw new LnurlException("unsupported refund address (use user@host or an https LNURL-pay URL)");
        }
        String user = URLEncoder.encode(address.substring(0, at), StandardCharsets.UTF_8);
        String host = address.substring(at + 1);
        String bare = host.contains(":") && !host.startsWith("[") ? host.substring(0, host.indexOf(':')) : host;
        String scheme = guard.allowed(bare) ? "http" : "https";
        return check(scheme + "://" + host + "/.well-known/lnurlp/" + user);
    }

    private URI check(String url) {
        try {
            return guard.check(url);
        } catch (OutboundGuard.Refused e) {
            throw new LnurlException("LNURL endpoint not allowed (https and a public host only)");
        }
    }

    private JsonNode get(URI uri) {
        try (HttpClientResponse r = http.get().uri(uri).request(); InputStream in = r.inputStream()) {
            byte[] body = in.readNBytes(MAX_BODY + 1);
            if (r.status().code() != 200) {
                throw new LnurlException("LNURL endpoint answered " + r.status().code());
            }
            if (body.length > MAX_BODY) {
                throw new LnurlException("LNURL answer too large");
            }
            return Json.parse(body);
        } catch (IOException | RuntimeException e) {
            // one answer for a refused or unreachable host: the endpoint's failure text never reaches the client
            throw e instanceof LnurlException l ? l : new LnurlException("LNURL endpoint unreachable");
        }
    }

    /** The address could not produce an invoice. */
    static final class LnurlException extends RuntimeException {
        LnurlException(String message) {
            super(message);
        }
    }
}
