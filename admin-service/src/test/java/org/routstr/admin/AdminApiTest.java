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
            new String[] {"DELETE", "/admin/api/auth/tokens/1"});
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
}
