package org.routstr.admin;

import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import org.routstr.common.json.Json;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.testsupport.RealInfra;
import org.routstr.testsupport.TestDb;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

/**
 * A fee and the node's identity changed through the admin API reach both gateway replicas through the control topic (the
 * periodic re-read is set to two minutes), without restart.
 */
@RealInfra
class LiveSettingsTest {
    @Test
    void aFeeEditedThroughTheApiPricesTheNextRequestOnBothGateways(TestDb db, KafkaSettings kafka) throws Exception {
        try (AdminNode node = new AdminNode(db, kafka)) {
            AdminNode.Session s = node.ownerSession("a long enough password");
            String key = node.fundedKey(100_000_000);
            // 4 prompt + 10 completion tokens at $30/$60 per 1M, fees 1.005 x 1.10, $100,000 per BTC
            assertThat(cost(node.chat(node.gw1(), key)), is(133L + 664L));
            assertThat(cost(node.chat(node.gw2(), key)), is(133L + 664L));
            awaitBothFollowTheTopic(node, s);

            long t0 = System.nanoTime();
            HttpResponse<String> patch = node.send(node.gw1(), "PATCH", "/admin/api/settings", s,
                    Json.object().put("upstream-fee", "2"));
            assertThat(patch.body(), patch.statusCode(), is(200));
            // the same request at 1.005 x 2: ceil(4 x 30 x 2.01 / 1000) = 242 and ceil(10 x 60 x 2.01 / 1000) = 1206
            long seen1 = awaitCost(node, node.gw1(), key, 242L + 1206L);
            long seen2 = awaitCost(node, node.gw2(), key, 242L + 1206L);
            long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
            System.out.println("fee change seen on both gateways after " + ms + " ms (" + seen1 + "+" + seen2 + " requests)");
            assertThat("well before the 120 s periodic re-read", ms, lessThan(10_000L));

            // a model price edited through the API: catalog.changed reloads both catalogs; 4 x 60 x 2.01 / 1000 rounds up to 483
            HttpResponse<String> price = node.send(node.gw1(), "PATCH", "/admin/api/models/standin/standin-gpt", s,
                    Json.object().put("input_usd_per_m", "60").set("aliases", Json.mapper().readTree("[\"gpt-live\"]")));
            assertThat(price.body(), price.statusCode(), is(200));
            assertThat(Json.mapper().readTree(price.body()).path("custom").asBoolean(), is(true));
            awaitCost(node, node.gw1(), key, 483L + 1206L);
            awaitCost(node, node.gw2(), key, 483L + 1206L);
            HttpResponse<String> models = node.send(node.gw2(), "GET", "/admin/api/models", s, null);
            assertThat(Json.mapper().readTree(models.body()).at("/models/0/input_usd_per_m").asText(), is("60"));
            HttpResponse<String> negative = node.send(node.gw1(), "PATCH", "/admin/api/models/standin/standin-gpt", s,
                    Json.object().put("output_usd_per_m", "-1"));
            assertThat(Json.mapper().readTree(negative.body()).at("/detail/field").asText(), is("output_usd_per_m"));
            assertThat(node.send(node.gw1(), "PATCH", "/admin/api/models/standin/nope", s, Json.object()).statusCode(), is(404));

            HttpResponse<String> info = node.send(node.gw2(), "GET", "/v1/info", null, null);
            assertThat(Json.mapper().readTree(info.body()).path("mints").get(0).asText(), is("https://mint.example.com"));
            assertThat(Json.mapper().readTree(info.body()).path("child_key_cost_msats").asLong(), is(250L));
        }
    }

    /** Changes the name and mints until both replicas show it: their control-topic consumers are then assigned. */
    private static void awaitBothFollowTheTopic(AdminNode node, AdminNode.Session s) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        for (int i = 0; System.nanoTime() < deadline; i++) {
            String name = "node " + i;
            node.send(node.gw1(), "PATCH", "/admin/api/settings", s, Json.object().put("name", name).put("child-key-cost-msat", 250)
                    .set("mints", Json.mapper().readTree("[\"https://mint.example.com/\"]")));
            Thread.sleep(500);
            if (name(node.gw1(), node).equals(name) && name(node.gw2(), node).equals(name)) {
                return;
            }
        }
        throw new AssertionError("the gateways never followed the control topic");
    }

    private static String name(String base, AdminNode node) throws Exception {
        return Json.mapper().readTree(node.send(base, "GET", "/v1/info", null, null).body()).path("name").asText();
    }

    private static long awaitCost(AdminNode node, String base, String key, long expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        long n = 0;
        while (System.nanoTime() < deadline) {
            n++;
            if (cost(node.chat(base, key)) == expected) {
                return n;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(base + " never priced with the new fee");
    }

    private static long cost(HttpResponse<String> r) throws Exception {
        assertThat(r.body(), r.statusCode(), is(200));
        JsonNode b = Json.mapper().readTree(r.body());
        return b.at("/usage/cost/total_msats").asLong();
    }
}
