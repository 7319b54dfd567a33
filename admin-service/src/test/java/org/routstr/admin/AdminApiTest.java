package org.routstr.admin;

import java.net.http.HttpResponse;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.routstr.common.json.Json;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.testsupport.RealInfra;
import org.routstr.testsupport.TestDb;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/**
 * The admin API through the gateway's front door: first login with the one-time password, 401 without a session, CSRF,
 * settings validation and redaction, the audit log, and lockout (last: it locks the address).
 */
@RealInfra
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminApiTest {
    static final String PASSWORD = "correct horse battery staple";
    static final List<String[]> ROUTES = List.of(new String[] {"GET", "/admin/api/settings"}, new String[] {"PATCH", "/admin/api/settings"},
            new String[] {"GET", "/admin/api/audit"}, new String[] {"GET", "/admin/api/auth/session"},
            new String[] {"POST", "/admin/api/auth/logout"}, new String[] {"POST", "/admin/api/auth/password"},
            new String[] {"GET", "/admin/api/auth/tokens"}, new String[] {"POST", "/admin/api/auth/tokens"},
            new String[] {"DELETE", "/admin/api/auth/tokens/1"}, new String[] {"GET", "/admin/api/sessions"},
            new String[] {"GET", "/admin/api/sessions/" + "ab".repeat(32)},
            new String[] {"POST", "/admin/api/sessions/" + "ab".repeat(32) + "/revoke"}, new String[] {"GET", "/admin/api/overview"},
            new String[] {"GET", "/admin/api/withdraw"}, new String[] {"POST", "/admin/api/withdraw"},
            new String[] {"GET", "/admin/api/logs"}, new String[] {"GET", "/admin/api/models"},
            new String[] {"PATCH", "/admin/api/models/standin/standin-gpt"}, new String[] {"GET", "/admin/api/providers"},
            new String[] {"POST", "/admin/api/providers"}, new String[] {"PATCH", "/admin/api/providers/standin"},
            new String[] {"POST", "/admin/api/providers/standin/test"}, new String[] {"POST", "/admin/api/providers/standin/import"});
    static AdminNode node;
    static AdminNode.Session owner;

    @BeforeAll
    static void start(TestDb db, KafkaSettings kafka) throws Exception {
        node = new AdminNode(db, kafka);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    @Order(1)
    void theOneTimePasswordOnlyAllowsChoosingANewOne() throws Exception {
        AdminNode.Session otp = AdminNode.session(node.send(node.gw1(), "POST", "/admin/api/auth/login", null,
                Json.object().put("password", node.firstPassword)));
        HttpResponse<String> blocked = node.send(node.gw1(), "GET", "/admin/api/settings", otp, null);
        assertThat(blocked.body(), blocked.statusCode(), is(403));
        assertThat(blocked.body(), containsString("password_change_required"));
        HttpResponse<String> tooShort = node.send(node.gw1(), "POST", "/admin/api/auth/password", otp,
                Json.object().put("current_password", node.firstPassword).put("new_password", "short"));
        assertThat(tooShort.statusCode(), is(400));
        HttpResponse<String> changed = node.send(node.gw1(), "POST", "/admin/api/auth/password", otp,
                Json.object().put("current_password", node.firstPassword).put("new_password", PASSWORD));
        assertThat(changed.body(), changed.statusCode(), is(200));
        HttpResponse<String> old = node.send(node.gw1(), "POST", "/admin/api/auth/login", null,
                Json.object().put("password", node.firstPassword));
        assertThat(old.statusCode(), is(401));
        owner = node.login(PASSWORD);
        HttpResponse<String> login = node.send(node.gw1(), "POST", "/admin/api/auth/login", null, Json.object().put("password", PASSWORD));
        String cookie = login.headers().firstValue("set-cookie").orElseThrow();
        assertThat(cookie, containsString("HttpOnly"));
        assertThat(cookie, containsString("SameSite=Strict"));
        assertThat(node.send(node.gw1(), "GET", "/admin/api/settings", owner, null).statusCode(), is(200));
    }

    @Test
    @Order(2)
    void everyRouteAnswers401WithoutASessionAnd403WithoutCsrf() throws Exception {
        for (String[] r : ROUTES) {
            HttpResponse<String> res = node.send(node.gw1(), r[0], r[1], null, Json.object());
            assertThat(r[0] + " " + r[1] + ": " + res.body(), res.statusCode(), is(401));
            assertThat(res.body(), containsString("\"error\""));
            HttpResponse<String> forged = node.send(node.gw1(), r[0], r[1], new AdminNode.Session("routstr_admin=forged", "x"), Json.object());
            assertThat(r[0] + " " + r[1] + " with a forged cookie", forged.statusCode(), is(401));
            if (!r[0].equals("GET")) {
                HttpResponse<String> noCsrf = node.send(node.gw1(), r[0], r[1], new AdminNode.Session(owner.cookie(), ""), Json.object());
                assertThat(r[0] + " " + r[1] + " without CSRF: " + noCsrf.body(), noCsrf.statusCode(), is(403));
                assertThat(noCsrf.body(), containsString("csrf_failed"));
            }
        }
    }

    @Test
    @Order(3)
    void badSettingsAre400NamingTheFieldAndSecretsAreWriteOnly() throws Exception {
        String[][] bad = {{"exchange-fee", "0.9"}, {"upstream-fee", "\"abc\""}, {"http-url", "\"ftp://x\""}, {"mints", "[\"not a url\"]"},
                {"nostr-relays", "[\"https://relay.example\"]"}, {"nostr-nsec", "\"nsec1qqqq\""}, {"npub", "\"npub1bad\""},
                {"lightning-address", "\"no-at-sign\""}, {"fixed-cost-sats", "0"}, {"no-such-setting", "1"}};
        for (String[] b : bad) {
            JsonNode body = Json.mapper().readTree("{\"" + b[0] + "\":" + b[1] + "}");
            HttpResponse<String> r = node.send(node.gw1(), "PATCH", "/admin/api/settings", owner, body);
            assertThat(b[0] + ": " + r.body(), r.statusCode(), is(400));
            assertThat(Json.mapper().readTree(r.body()).at("/detail/field").asText(), is(b[0]));
        }
        // a valid nsec (NIP-19 test vector) is stored sealed and never shown
        String nsec = "nsec1vl029mgpspedva04g90vltkh6fvh240zqtv9k0t9af8935ke9laqsnlfe5";
        HttpResponse<String> ok = node.send(node.gw1(), "PATCH", "/admin/api/settings", owner, Json.object().put("nostr-nsec", nsec)
                .set("nostr-relays", Json.mapper().readTree("[\"wss://relay.example.com\"]")));
        assertThat(ok.body(), ok.statusCode(), is(200));
        assertThat(Json.mapper().readTree(ok.body()).path("nostr-nsec").asText(), is("[REDACTED]"));
        assertThat(ok.body(), not(containsString(nsec)));
        HttpResponse<String> audit = node.send(node.gw1(), "GET", "/admin/api/audit", owner, null);
        assertThat(audit.body(), not(containsString(nsec)));
        assertThat(audit.body(), containsString("settings.update"));
    }

    @Test
    @Order(4)
    void apiTokensWorkWithoutCsrfAndCanBeRevoked() throws Exception {
        HttpResponse<String> created = node.send(node.gw1(), "POST", "/admin/api/auth/tokens", owner, Json.object().put("name", "ci"));
        assertThat(created.body(), created.statusCode(), is(201));
        String token = Json.mapper().readTree(created.body()).path("token").asText();
        java.net.http.HttpRequest get = java.net.http.HttpRequest.newBuilder(java.net.URI.create(node.gw2() + "/admin/api/settings"))
                .header("authorization", "Bearer " + token).build();
        assertThat(node.http.send(get, HttpResponse.BodyHandlers.ofString()).statusCode(), is(200));
        HttpResponse<String> list = node.send(node.gw1(), "GET", "/admin/api/auth/tokens", owner, null);
        assertThat(list.body(), not(containsString(token)));
        long id = Json.mapper().readTree(list.body()).at("/tokens/0/id").asLong();
        assertThat(node.send(node.gw1(), "DELETE", "/admin/api/auth/tokens/" + id, owner, null).statusCode(), is(200));
        assertThat(node.http.send(get, HttpResponse.BodyHandlers.ofString()).statusCode(), is(401));
    }

    @Test
    @Order(5)
    void sessionsAreSearchedSortedAndPagedByHash() throws Exception {
        java.util.List<String> hashes = new java.util.ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            hashes.add(org.routstr.common.keys.ApiKeys.hash(node.fundedKey(i * 1000L)));
        }
        JsonNode page = json(node.send(node.gw1(), "GET", "/admin/api/sessions?sort=balance&order=desc&limit=10&offset=0", owner, null));
        assertThat(page.path("sessions").size(), is(10));
        assertThat(page.at("/sessions/0/balance_msat").asLong(), is(30_000L));
        assertThat(page.at("/sessions/9/balance_msat").asLong(), is(21_000L));
        assertThat(page.toString(), not(containsString("sk-")));
        JsonNode next = json(node.send(node.gw1(), "GET", "/admin/api/sessions?sort=balance&order=desc&limit=10&offset=10", owner, null));
        assertThat(next.at("/sessions/0/balance_msat").asLong(), is(20_000L));
        String h = hashes.get(6);
        JsonNode found = json(node.send(node.gw1(), "GET", "/admin/api/sessions?search=" + h.substring(0, 12), owner, null));
        assertThat(found.path("total").asLong(), is(1L));
        assertThat(found.at("/sessions/0/hashed_key").asText(), is(h));
        JsonNode one = json(node.send(node.gw1(), "GET", "/admin/api/sessions/" + h, owner, null));
        assertThat(one.path("balance_msat").asLong(), is(7_000L));
        HttpResponse<String> badSort = node.send(node.gw1(), "GET", "/admin/api/sessions?sort=key_hash;drop", owner, null);
        assertThat(badSort.statusCode(), is(400));
        assertThat(json(badSort).at("/detail/field").asText(), is("sort"));
        assertThat(node.send(node.gw1(), "GET", "/admin/api/sessions/" + "0".repeat(64), owner, null).statusCode(), is(404));
    }

    @Test
    @Order(6)
    void aRevokedKeyStopsOnTheOtherGatewayAndItsBalanceGoesToTheOperator() throws Exception {
        String key = node.fundedKey(5_000_000);
        String hash = org.routstr.common.keys.ApiKeys.hash(key);
        assertThat(node.chat(node.gw2(), key).statusCode(), is(200));   // gateway 2 now has the key in its cache
        long before = node.ledger.account(hash).orElseThrow().availableMsat();
        HttpResponse<String> r = node.send(node.gw1(), "POST", "/admin/api/sessions/" + hash + "/revoke", owner, null);
        assertThat(r.body(), r.statusCode(), is(200));
        assertThat(json(r).path("forfeited_msat").asLong(), is(before));
        long t0 = System.nanoTime();
        int status = 200;
        while (status == 200 && System.nanoTime() - t0 < 5_000_000_000L) {
            status = node.chat(node.gw2(), key).statusCode();
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("revoke reached the second gateway after " + ms + " ms");
        assertThat(status, is(401));
        assertThat("well before the 10 s key cache expiry", ms < 5_000, is(true));
        // the in-flight request's reservation is not taken (billing settles it; no billing runs in this test)
        org.routstr.ledger.Account after = node.ledger.account(hash).orElseThrow();
        assertThat(after.availableMsat(), is(0L));
        assertThat(after.balanceMsat(), is(after.reservedMsat()));
        JsonNode audit = json(node.send(node.gw1(), "GET", "/admin/api/audit?limit=5", owner, null));
        assertThat(audit.at("/entries/0/action").asText(), is("session.revoke"));
        assertThat(audit.at("/entries/0/target").asText(), is(hash));
        HttpResponse<String> again = node.send(node.gw1(), "POST", "/admin/api/sessions/" + hash + "/revoke", owner, null);
        assertThat("a second revoke takes nothing more", json(again).path("forfeited_msat").asLong(), is(0L));
    }

    @Test
    @Order(7)
    void logSearchFindsRecordsTheServicesWroteWithSecretsRedacted() throws Exception {
        // every replica logs "settings reloaded" when it applies a change
        node.send(node.gw1(), "PATCH", "/admin/api/settings", owner, Json.object().put("description", "logs test"));
        String id = java.util.UUID.randomUUID().toString();
        System.getLogger("org.routstr.gateway.proxy.Probe").log(System.Logger.Level.WARNING,
                "upstream failed request_id=" + id + " key sk-0123456789abcdefghij");
        JsonNode found = awaitLogs("/admin/api/logs?request_id=" + id);
        JsonNode rec = found.at("/logs/0");
        assertThat(rec.path("service").asText(), is("gateway"));
        assertThat(rec.path("level").asText(), is("warning"));
        assertThat(rec.path("message").asText(), is("upstream failed request_id=" + id + " key sk-[REDACTED]"));
        JsonNode reloads = awaitLogs("/admin/api/logs?q=settings+reloaded&level=info");
        assertThat(reloads.at("/logs/0/message").asText(), containsString("settings reloaded"));
        assertThat(json(node.send(node.gw1(), "GET", "/admin/api/logs?level=error&request_id=" + id, owner, null)).path("logs").size(),
                   is(0));
        long newest = json(node.send(node.gw1(), "GET", "/admin/api/logs", owner, null)).path("newest").asLong();
        System.getLogger("org.routstr.wallet.Probe").log(System.Logger.Level.ERROR, "tail me " + id);
        JsonNode tail = awaitLogs("/admin/api/logs?after=" + newest + "&q=tail+me");
        assertThat(tail.at("/logs/0/service").asText(), is("wallet-service"));
        assertThat(tail.at("/logs/0/id").asLong() > newest, is(true));
        HttpResponse<String> bad = node.send(node.gw1(), "GET", "/admin/api/logs?level=loud", owner, null);
        assertThat(json(bad).at("/detail/field").asText(), is("level"));
    }

    @Test
    @Order(8)
    void providersKeepKeysSealedTestTheConnectionAndImportModels() throws Exception {
        HttpResponse<String> edit = node.send(node.gw1(), "PATCH", "/admin/api/providers/standin", owner,
                Json.object().put("api_key", "sk-upstream-live-secret-1234"));
        assertThat(edit.body(), edit.statusCode(), is(200));
        JsonNode list = json(node.send(node.gw1(), "GET", "/admin/api/providers", owner, null));
        assertThat(list.at("/providers/0/api_key").asText(), is("[REDACTED]"));
        assertThat(list.toString(), not(containsString("sk-upstream-live-secret")));
        JsonNode test = json(node.send(node.gw1(), "POST", "/admin/api/providers/standin/test", owner, null));
        assertThat(test.toString(), test.path("ok").asBoolean(), is(true));
        // the gateway opens the key the admin sealed: the upstream receives it on the next paid call (after catalog.changed)
        String key = node.fundedKey(1_000_000_000);
        long deadline = System.nanoTime() + 10_000_000_000L;
        String seen = "";
        while (!seen.equals("Bearer sk-upstream-live-secret-1234") && System.nanoTime() < deadline) {
            assertThat(node.chat(node.gw2(), key).statusCode(), is(200));
            seen = node.upstream.lastRequest().orElseThrow().headers().getOrDefault("authorization", "");
            Thread.sleep(50);
        }
        assertThat(seen, is("Bearer sk-upstream-live-secret-1234"));

        JsonNode fromUpstream = json(node.send(node.gw1(), "POST", "/admin/api/providers/standin/import", owner, null));
        assertThat(fromUpstream.toString(), fromUpstream.path("imported").asInt() > 0, is(true));
        JsonNode catalog = Json.mapper().readTree("""
                {"data":[{"id":"vendor/priced","context_length":32000,"pricing":{"prompt":"0.000003","completion":"0.000015"}}]}""");
        JsonNode fromFile = json(node.send(node.gw1(), "POST", "/admin/api/providers/standin/import", owner,
                Json.object().set("catalog", catalog)));
        assertThat(fromFile.path("imported").asInt(), is(1));
        JsonNode models = json(node.send(node.gw1(), "GET", "/admin/api/models", owner, null));
        JsonNode priced = null;
        for (JsonNode m : models.path("models")) {
            if (m.path("id").asText().equals("vendor/priced")) {
                priced = m;
            }
        }
        assertThat(models.toString(), priced.path("input_usd_per_m").asText(), is("3"));
        assertThat(priced.path("output_usd_per_m").asText(), is("15"));
        assertThat(priced.path("enabled").asBoolean(), is(true));
        HttpResponse<String> badUrl = node.send(node.gw1(), "POST", "/admin/api/providers", owner,
                Json.object().put("slug", "x").put("base_url", "ftp://nope"));
        assertThat(json(badUrl).at("/detail/field").asText(), is("base_url"));
        HttpResponse<String> dup = node.send(node.gw1(), "POST", "/admin/api/providers", owner,
                Json.object().put("slug", "standin").put("base_url", "http://127.0.0.1:9/v1"));
        assertThat(dup.statusCode(), is(409));
    }

    private static JsonNode awaitLogs(String path) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            JsonNode r = json(node.send(node.gw1(), "GET", path, owner, null));
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

    @Test
    @Order(9)
    void repeatedFailuresLockTheAccountEvenForTheRightPassword() throws Exception {
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = node.send(node.gw1(), "POST", "/admin/api/auth/login", null, Json.object().put("password", "wrong" + i));
            assertThat(r.body(), r.statusCode(), is(401));
        }
        HttpResponse<String> locked = node.send(node.gw1(), "POST", "/admin/api/auth/login", null, Json.object().put("password", PASSWORD));
        assertThat(locked.body(), locked.statusCode(), is(429));
        assertThat(locked.body(), containsString("login_locked"));
        HttpResponse<String> audit = node.send(node.gw1(), "GET", "/admin/api/audit", owner, null);
        assertThat("an existing session still works", audit.statusCode(), is(200));
    }

    @Test
    @Order(10)
    void aNip98SignatureOfTheAdminNpubLogsInOnceThroughTheFrontDoor() throws Exception {
        String url = node.gw1() + "/admin/api/auth/nostr";
        long now = java.time.Instant.now().getEpochSecond();
        String header = org.routstr.admin.auth.NostrLoginTest.header(AdminNode.ADMIN_NOSTR, now, 27235, url, "POST");
        HttpResponse<String> in = nostr(url, header);
        assertThat(in.body(), in.statusCode(), is(200));
        AdminNode.Session s = AdminNode.session(in);
        HttpResponse<String> audit = node.send(node.gw1(), "GET", "/admin/api/audit", s, null);
        assertThat(audit.body(), audit.statusCode(), is(200));
        assertThat(audit.body(), containsString("auth.login.nostr"));

        HttpResponse<String> replay = nostr(url, header);
        assertThat(replay.body(), replay.statusCode(), is(401));
        assertThat(replay.body(), containsString("nostr_event_replayed"));
        HttpResponse<String> stranger = nostr(url, org.routstr.admin.auth.NostrLoginTest.header(
                org.routstr.nostr.Keys.generate(), now, 27235, url, "POST"));
        assertThat(stranger.body(), stranger.statusCode(), is(401));
        assertThat(stranger.body(), containsString("nostr_key_not_admin"));
        assertThat(nostr(url, "Bearer nothing").statusCode(), is(401));
    }

    private static HttpResponse<String> nostr(String url, String authorization) throws Exception {
        return node.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).header("authorization", authorization)
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }
}
