package org.routstr.admin;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.helidon.webserver.WebServer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.routstr.admin.web.WebHttpService;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

/**
 * The dashboard's static files from the jar: index at /admin/, modules and CSS with their types and the CSP, the QR code
 * library from its WebJar, nothing outside the web folder.
 */
class WebHttpServiceTest {
    static WebServer server;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        server = WebServer.builder().host("127.0.0.1").port(0).routing(r -> {
            org.routstr.common.http.ErrorHandlers.register(r);
            r.register(new WebHttpService());
        }).build().start();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                         HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesTheDashboardFromTheJar() throws Exception {
        HttpResponse<String> bare = get("/admin");
        assertThat(bare.statusCode(), is(302));
        assertThat(bare.headers().firstValue("location").orElseThrow(), is("/admin/"));
        HttpResponse<String> index = get("/admin/");
        assertThat(index.statusCode(), is(200));
        assertThat(index.headers().firstValue("content-type").orElseThrow(), startsWith("text/html"));
        assertThat(index.headers().firstValue("content-security-policy").orElseThrow(), containsString("script-src 'self'"));
        assertThat(index.body(), containsString("<script type=\"module\" src=\"app.js\">"));
        for (String m : new String[] {"app.js", "api.js", "dom.js", "chart.js", "price.js", "overview.js", "sessions.js", "models.js",
                "settings.js", "withdraw.js", "logs.js"}) {
            HttpResponse<String> js = get("/admin/" + m);
            assertThat(m, js.statusCode(), is(200));
            assertThat(m, js.headers().firstValue("content-type").orElseThrow(), startsWith("text/javascript"));
        }
        assertThat(get("/admin/app.css").headers().firstValue("content-type").orElseThrow(), startsWith("text/css"));
        HttpResponse<String> qr = get("/admin/vendor/qrcode.min.js");
        assertThat(qr.statusCode(), is(200));
        assertThat(qr.body(), containsString("QRCode"));
    }

    @Test
    void nothingElseIsServed() throws Exception {
        for (String p : new String[] {"/admin/missing.js", "/admin/..%2Fapplication.yaml", "/admin/application.yaml",
                "/admin/vendor/other.js", "/admin/%2e%2e/db-statements.yaml", "/admin/App.JS"}) {
            assertThat(p, get(p).statusCode(), is(404));
        }
    }
}
