package org.routstr.admin;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import org.routstr.common.json.Json;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.common.keys.ApiKeys;
import org.routstr.common.server.RunningService;
import org.routstr.testsupport.RealInfra;
import org.routstr.testsupport.ServiceSmoke;
import org.routstr.testsupport.TestDb;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

/**
 * What admin shows from billing-service: a key's recent requests with model, tokens and cost per request (billing's
 * per-request usage rows), and billing's own log records in the log search. Billing starts before admin-service, so its
 * records reach the logs topic only if billing ships them itself.
 */
@RealInfra
class BillingViewsTest {
    @Test
    void sessionDetailsShowEachRequestsModelTokensAndCostAndBillingsLogsAreSearchable(TestDb db, KafkaSettings kafka)
            throws Exception {
        BlockingQueue<LogRecord> billingLogs = new LinkedBlockingQueue<>();
        Handler tap = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.INFO.intValue()) {
                    billingLogs.add(r);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger.getLogger("org.routstr.billing").addHandler(tap);
        RunningService billing = org.routstr.billing.Main.start(ServiceSmoke.config(db, kafka,
                Map.of("billing.fixed-usd-per-btc", "100000")));
        // a record billing wrote before any other service (and its log shipper) started
        LogRecord early = billingLogs.poll(60, TimeUnit.SECONDS);
        Logger.getLogger("org.routstr.billing").removeHandler(tap);
        assertThat("billing logged at start", early != null, is(true));
        try (AdminNode node = new AdminNode(db, kafka)) {
            AdminNode.Session s = node.ownerSession("a long enough password");
            String key = node.fundedKey(5_000_000);
            String hash = ApiKeys.hash(key);
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> chat = node.chat(i == 0 ? node.gw1() : node.gw2(), key);
                assertThat(chat.body(), chat.statusCode(), is(200));
            }
            JsonNode details = awaitSettled(node, s, hash, 2);
            JsonNode recent = details.path("recent_requests");
            long costs = 0;
            for (JsonNode r : recent) {
                assertThat(r.toString(), r.path("model").asText(), is("standin-gpt"));
                assertThat(r.toString(), r.path("input_tokens").asLong(), greaterThan(0L));
                assertThat(r.toString(), r.path("output_tokens").asLong(), greaterThan(0L));
                assertThat(r.toString(), r.path("http_status").asInt(), is(200));
                assertThat(r.toString(), r.path("cost_msat").asLong(), greaterThan(0L));
                costs += r.path("cost_msat").asLong();
            }
            assertThat("the per-request costs add up to what the key spent", costs, is(details.path("spent_msat").asLong()));

            String words = early.getMessage().length() > 20 ? early.getMessage().substring(0, 20) : early.getMessage();
            JsonNode logs = awaitLogs(node, s, "/admin/api/logs?service=billing-service&q="
                                               + URLEncoder.encode(words, StandardCharsets.UTF_8));
            assertThat(logs.at("/logs/0/service").asText(), is("billing-service"));
            assertThat(logs.at("/logs/0/logger").asText(), is(early.getLoggerName()));
        } finally {
            billing.stop();
        }
    }

    private static JsonNode awaitSettled(AdminNode node, AdminNode.Session s, String hash, int requests) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = json(node.send(node.gw1(), "GET", "/admin/api/sessions/" + hash, s, null));
            JsonNode recent = last.path("recent_requests");
            boolean done = recent.size() == requests;
            for (JsonNode r : recent) {
                done &= r.path("status").asText().equals("settled") && r.hasNonNull("model");
            }
            if (done) {
                return last;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("requests not settled with usage: " + last);
    }

    private static JsonNode awaitLogs(AdminNode node, AdminNode.Session s, String path) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            JsonNode r = json(node.send(node.gw1(), "GET", path, s, null));
            if (r.path("logs").size() > 0) {
                return r;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no log record for " + path);
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.mapper().readTree(r.body());
    }
}
