package org.routstr.admin;

import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import org.routstr.common.json.Json;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.common.keys.ApiKeys;
import org.routstr.testsupport.RealInfra;
import org.routstr.testsupport.TestDb;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

/**
 * The operator's money through the front door: a user's 1,000 sats become the operator's when the key is revoked; the
 * overview shows the three figures and the mint; a withdrawal above Your Balance is refused, one within it is a token of
 * the mint, and the history lists it.
 */
@RealInfra
class WithdrawTest {
    @Test
    void overviewAndWithdrawNeverMoreThanYourBalance(TestDb db, KafkaSettings kafka) throws Exception {
        try (AdminNode node = new AdminNode(db, kafka)) {
            AdminNode.Session s = node.ownerSession("a long enough password");
            HttpResponse<String> created = node.send(node.gw1(), "POST", "/v1/wallet/create", null,
                    Json.object().put("cashu_token", node.mint.mintToken(1000)));
            assertThat(created.body(), created.statusCode(), is(200));
            String key = Json.mapper().readTree(created.body()).path("api_key").asText();
            node.send(node.gw1(), "PATCH", "/admin/api/settings", s, Json.object().set("mints", Json.mapper().createArrayNode().add(node.mint.url())));

            JsonNode before = json(node.send(node.gw1(), "GET", "/admin/api/overview?range=7d", s, null));
            assertThat(before.toString(), before.path("total_wallet_msat").asLong(), is(1_000_000L));
            assertThat(before.path("user_balances_msat").asLong(), is(1_000_000L));
            assertThat(before.path("your_balance_msat").asLong(), is(0L));
            HttpResponse<String> tooMuch = node.send(node.gw1(), "POST", "/admin/api/withdraw", s, Json.object().put("amount", 1));
            assertThat("users' money is not the operator's: " + tooMuch.body(), tooMuch.statusCode(), is(400));

            node.send(node.gw1(), "POST", "/admin/api/sessions/" + ApiKeys.hash(key) + "/revoke", s, null);
            JsonNode after = json(node.send(node.gw1(), "GET", "/admin/api/overview", s, null));
            assertThat(after.path("your_balance_msat").asLong(), is(1_000_000L));
            JsonNode mint = after.at("/mints/0");
            assertThat(mint.path("url").asText(), is(node.mint.url()));
            assertThat(mint.path("reachable").asBoolean(), is(true));
            assertThat(mint.at("/balances/sat").asLong(), is(1000L));
            assertThat(mint.path("keysets").size(), greaterThan(0));

            HttpResponse<String> above = node.send(node.gw1(), "POST", "/admin/api/withdraw", s, Json.object().put("amount", 1001));
            assertThat(above.body(), above.statusCode(), is(400));
            assertThat(above.body(), containsString("insufficient_owner_balance"));
            HttpResponse<String> bad = node.send(node.gw1(), "POST", "/admin/api/withdraw", s, Json.object().put("amount", -5));
            assertThat(json(bad).at("/detail/field").asText(), is("amount"));

            HttpResponse<String> ok = node.send(node.gw1(), "POST", "/admin/api/withdraw", s, Json.object().put("amount", 600));
            assertThat(ok.body(), ok.statusCode(), is(200));
            assertThat(json(ok).path("token").asText(), startsWith("cashu"));
            assertThat(json(node.send(node.gw1(), "GET", "/admin/api/overview", s, null)).path("your_balance_msat").asLong(),
                       is(400_000L));
            JsonNode history = json(node.send(node.gw1(), "GET", "/admin/api/withdraw", s, null));
            assertThat(history.at("/withdrawals/0/amount").asLong(), is(600L));
            assertThat(history.at("/withdrawals/0/state").asText(), is("issued"));
            assertThat(node.send(node.gw1(), "GET", "/admin/api/overview?range=2y", s, null).statusCode(), is(400));
        }
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.mapper().readTree(r.body());
    }
}
