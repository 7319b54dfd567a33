package org.routstr.admin.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import org.routstr.common.http.ApiException;

/**
 * The dashboard's static files at {@code /admin/}: {@code web/*} from the jar (HTML, JS modules, CSS) and the QR code
 * library from its WebJar at {@code /admin/vendor/}. No build step: the files are served as they are in the sources.
 */
public final class WebHttpService implements HttpService {
    private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,60}\\.(html|js|css|svg)");
    private static final Map<String, String> VENDOR = Map.of("qrcode.min.js", "META-INF/resources/webjars/qrcodejs/07f829d/qrcode.min.js");
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "svg", "image/svg+xml");
    private static final String CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                                      + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    @Override
    public void routing(HttpRules rules) {
        rules.get("/admin", (req, res) -> res.status(Status.FOUND_302).header(HeaderNames.LOCATION, "/admin/").send())
                .get("/admin/", (req, res) -> send(res, "web/index.html", "html"))
                .get("/admin/vendor/{file}", (req, res) -> send(res, Optional.ofNullable(VENDOR.get(req.path().pathParameters()
                        .get("file"))).orElseThrow(() -> ApiException.notFound("No such file")), "js"))
                .get("/admin/{file}", this::file);
    }

    private void file(ServerRequest req, ServerResponse res) {
        String name = req.path().pathParameters().get("file");
        if (!NAME.matcher(name).matches()) {
            throw ApiException.notFound("No such file");
        }
        send(res, "web/" + name, name.substring(name.lastIndexOf('.') + 1));
    }

    private void send(ServerResponse res, String resource, String ext) {
        byte[] body = cache.computeIfAbsent(resource, WebHttpService::read);
        if (body.length == 0) {
            throw ApiException.notFound("No such file");
        }
        res.header(HeaderNames.CONTENT_TYPE, TYPES.get(ext)).header(HeaderNames.CACHE_CONTROL, "no-cache")
                .header(HeaderNames.create("Content-Security-Policy"), CSP).header(HeaderNames.create("X-Content-Type-Options"), "nosniff")
                .header(HeaderNames.create("Referrer-Policy"), "no-referrer").send(body);
    }

    private static byte[] read(String resource) {
        try (InputStream in = WebHttpService.class.getClassLoader().getResourceAsStream(resource)) {
            return in == null ? new byte[0] : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
