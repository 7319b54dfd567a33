package org.routstr.gateway.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

import io.helidon.http.Header;
import io.helidon.http.Status;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import org.routstr.common.http.ApiException;
import org.routstr.common.http.RequestIds;

/**
 * The single public door (contract 5): wallet, admin and discovery paths are forwarded with method, path, query, body and
 * end-to-end headers, and the answer streamed back; the request id travels both ways.
 */
public final class FrontDoorHttpService implements HttpService {
    private static final System.Logger LOG = System.getLogger(FrontDoorHttpService.class.getName());
    private static final Set<String> HOP = Set.of("connection", "keep-alive", "transfer-encoding", "upgrade", "te", "trailer",
                                                  "proxy-authenticate", "proxy-authorization", "content-length", "host");
    private final WebClient client;
    private final Targets routes;

    public FrontDoorHttpService(Targets routes, Duration timeout) {
        this.routes = routes;
        this.client = WebClient.builder().followRedirects(false).readTimeout(timeout).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Override
    public void routing(HttpRules rules) {
        rules.any("/v1/balance/lightning", (req, res) -> forward(routes.wallet(), req, res))
                .any("/v1/balance/lightning/*", (req, res) -> forward(routes.wallet(), req, res))
                .any("/v1/balance", (req, res) -> forward(routes.wallet(), req, res))
                .any("/v1/balance/*", (req, res) -> forward(routes.wallet(), req, res))
                .any("/v1/wallet", (req, res) -> forward(routes.wallet(), req, res))
                .any("/v1/wallet/*", (req, res) -> forward(routes.wallet(), req, res))
                .any("/lightning", (req, res) -> forward(routes.wallet(), req, res))
                .any("/lightning/*", (req, res) -> forward(routes.wallet(), req, res))
                .any("/admin", (req, res) -> forward(routes.admin(), req, res))
                .any("/admin/*", (req, res) -> forward(routes.admin(), req, res))
                .any("/v1/providers", (req, res) -> forward(routes.discovery(), req, res))
                .any("/v1/providers/*", (req, res) -> forward(routes.discovery(), req, res));
    }

    private void forward(String base, ServerRequest req, ServerResponse res) {
        String id = RequestIds.of(req, res);
        if (io.helidon.http.Method.HEAD.equals(req.prologue().method()) && req.content().hasEntity()) {
            // the client would refuse to send it on; HEAD has no body
            throw ApiException.badRequest("body_not_allowed", "A HEAD request has no body");
        }
        String query = req.query().rawValue();
        HttpClientRequest out = client.method(req.prologue().method())
                .uri(base + req.path().rawPath() + (query.isEmpty() ? "" : "?" + query))
                .skipUriEncoding(true);
        Headers.copyFrontDoor(req.headers(), out);
        out.header(RequestIds.HEADER, id);
        // the services behind the door see the real client (admin lockout per address); a client's own value is replaced
        out.header(io.helidon.http.HeaderNames.X_FORWARDED_FOR, req.remotePeer().host());
        req.headers().contentLength().ifPresent(l -> out.header(io.helidon.http.HeaderNames.CONTENT_LENGTH, String.valueOf(l)));
        try (HttpClientResponse in = send(out, req)) {
            res.status(Status.create(in.status().code()));
            for (Header h : in.headers()) {
                String n = h.name().toLowerCase(Locale.ROOT);
                if (!HOP.contains(n) && !n.equals(RequestIds.HEADER.lowerCase())) {
                    res.header(h);
                }
            }
            try (InputStream body = in.inputStream(); OutputStream os = res.outputStream()) {
                body.transferTo(os);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static HttpClientResponse send(HttpClientRequest out, ServerRequest req) {
        try {
            if (req.content().hasEntity()) {
                return out.outputStream(os -> {
                    req.content().inputStream().transferTo(os);
                    os.close();
                });
            }
            return out.request();
        } catch (UncheckedIOException | IllegalStateException e) {
            LOG.log(Level.WARNING, "front door target unreachable for " + req.path().path() + ": " + e.getMessage());
            throw ApiException.unavailable("service_unavailable", "The service behind this path is unavailable; try again shortly.");
        }
    }

    /** Where each group of paths goes. */
    public record Targets(String wallet, String admin, String discovery) {
    }
}
