package org.routstr.gateway.proxy;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;

import org.junit.jupiter.api.Test;

import org.routstr.common.kafka.KafkaSettings;
import org.routstr.gateway.GatewayFixture;
import org.routstr.testsupport.RealInfra;
import org.routstr.testsupport.TestDb;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/** The public port forwards {@code /v1/providers} and {@code /v1/providers/} (with its query) to discovery-service. */
@RealInfra
class FrontDoorProvidersTest {
    @Test
    void providersPathsReachDiscovery(TestDb db, KafkaSettings kafka) throws Exception {
        WebServer discovery = WebServer.builder().host("127.0.0.1").port(0)
                .routing(r -> r.get("/v1/providers", (req, res) -> res.status(Status.TEMPORARY_REDIRECT_307)
                                .header(HeaderNames.LOCATION, "/v1/providers/").send())
                        .get("/v1/providers/", (req, res) -> res.send("{\"providers\":[],\"q\":\"" + req.query().rawValue() + "\"}")))
                .build().start();
        try (GatewayFixture f = new GatewayFixture(db, kafka, Map.of("gateway.routes.discovery", "http://127.0.0.1:" + discovery.port()))) {
            HttpResponse<String> list = f.http.send(HttpRequest.newBuilder(URI.create(f.url() + "/v1/providers/?include_json=true")).build(),
                                                    HttpResponse.BodyHandlers.ofString());
            assertThat(list.statusCode(), is(200));
            assertThat(list.body(), is("{\"providers\":[],\"q\":\"include_json=true\"}"));
            HttpResponse<String> bare = f.http.send(HttpRequest.newBuilder(URI.create(f.url() + "/v1/providers")).build(),
                                                    HttpResponse.BodyHandlers.ofString());
            // the redirect reaches the client, or the front door followed it: either way the list is one step away
            assertThat(bare.statusCode() == 307 ? bare.headers().firstValue("location").orElse("") : bare.body(),
                       is(bare.statusCode() == 307 ? "/v1/providers/" : "{\"providers\":[],\"q\":\"\"}"));
        } finally {
            discovery.stop();
        }
    }
}
