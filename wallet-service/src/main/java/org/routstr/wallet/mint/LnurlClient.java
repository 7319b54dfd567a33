package org.routstr.wallet.mint;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;

import org.routstr.common.json.Json;

/**
 * LNURL-pay (LUD-06/LUD-16): turns a Lightning address {@code user@host} or an {@code https://} LNURL-pay URL into a
 * bolt11 invoice for an amount. Plain http only for loopback hosts, and only when allowed (tests, demo mode).
 */
final class LnurlClient {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final boolean allowLoopbackHttp;

    LnurlClient(boolean allowLoopbackHttp) {
        this.allowLoopbackHttp = allowLoopbackHttp;
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
        JsonNode inv = get(check(URI.create(callback + sep + "amount=" + msat)));
        String pr = inv.path("pr").asText("");
        if (pr.isEmpty()) {
            throw new LnurlException("no invoice: " + inv.path("reason").asText("unknown"));
        }
        return pr;
    }

    private URI payUrl(String address) {
        if (address.startsWith("https://") || address.startsWith("http://")) {
            return check(URI.create(address));
        }
        int at = address.indexOf('@');
        if (at <= 0 || at == address.length() - 1) {
            throw new LnurlException("unsupported refund address (use user@host or an https LNURL-pay URL)");
        }
        String user = URLEncoder.encode(address.substring(0, at), StandardCharsets.UTF_8);
        String host = address.substring(at + 1);
        String scheme = loopback(host) && allowLoopbackHttp ? "http" : "https";
        return check(URI.create(scheme + "://" + host + "/.well-known/lnurlp/" + user));
    }

    private URI check(URI uri) {
        boolean ok = "https".equals(uri.getScheme()) || ("http".equals(uri.getScheme()) && allowLoopbackHttp && loopback(uri.getHost()));
        if (!ok) {
            throw new LnurlException("LNURL endpoints must use https");
        }
        return uri;
    }

    private static boolean loopback(String host) {
        String h = host.contains(":") && !host.startsWith("[") ? host.substring(0, host.indexOf(':')) : host;
        return h.equals("127.0.0.1") || h.equals("localhost");
    }

    private JsonNode get(URI uri) {
        try {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new LnurlException("LNURL endpoint answered " + r.statusCode());
            }
            return Json.parse(r.body());
        } catch (IOException | RuntimeException e) {
            throw e instanceof LnurlException l ? l : new LnurlException("LNURL endpoint unreachable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LnurlException("interrupted");
        }
    }

    /** The address could not produce an invoice. */
    static final class LnurlException extends RuntimeException {
        LnurlException(String message) {
            super(message);
        }
    }
}
