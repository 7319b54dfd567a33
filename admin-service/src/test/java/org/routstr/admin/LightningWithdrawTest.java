package org.routstr.admin;

import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;

import org.routstr.common.json.Json;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.common.keys.ApiKeys;
import org.routstr.crypto.cashu.client.CashuWallet;
import org.routstr.crypto.cashu.client.MintClient;
import org.routstr.testmint.TestMint;
import org.routstr.testsupport.RealInfra;
import org.routstr.testsupport.TestDb;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

/**
 * The operator's profit to Lightning through the front door ({@code POST /admin/api/withdraw/lightning}) against the test
 * mint's fake Lightning: Your Balance falls by amount plus fee exactly, the same idempotency key pays once, amount plus fee
 * reserve may not exceed Your Balance, and the history lists the payment with its fee.
 */
@RealInfra
class LightningWithdrawTest {
    @Test
    void paysAnInvoiceOnceAndNeverMoreThanYourBalanceWithTheFeeReserve(TestDb db, KafkaSettings kafka) throws Exception {
        try (AdminNode node = new AdminNode(db, kafka); TestMint payee = TestMint.start()) {
            AdminNode.Session s = node.ownerSession("a long enough password");
            HttpResponse<String> created = node.send(node.gw1(), "POST", "/v1/wallet/create", null,
                    Json.object().put("cashu_token", node.mint.mintToken(1000)));
            String key = Json.mapper().readTree(created.body()).path("api_key").asText();
            node.send(node.gw1(), "PATCH", "/admin/api/settings", s, Json.object().set("mints", Json.mapper().createArrayNode().add(node.mint.url())));
            node.send(node.gw1(), "POST", "/admin/api/sessions/" + ApiKeys.hash(key) + "/revoke", s, null);
            long before = yourBalance(node, s);
            assertThat(before, is(1_000_000L));

            HttpResponse<String> missing = node.send(node.gw1(), "POST", "/admin/api/withdraw/lightning", s, Json.object().put("amount", 5));
            assertThat(missing.body(), missing.statusCode(), is(400));
            String invoice = invoice(payee, 300);
            ObjectNode pay = Json.object().put("destination", invoice).put("idempotency_key", "ln-1");
            HttpResponse<String> paid = node.send(node.gw1(), "POST", "/admin/api/withdraw/lightning", s, pay);
            assertThat(paid.body(), paid.statusCode(), is(200));
            assertThat(json(paid).path("state").asText(), is("paid"));
            assertThat(json(paid).path("amount").asLong(), is(300L));
            assertThat("the test mint's Lightning fee", json(paid).path("fee").asLong(), is(1L));
            long after = yourBalance(node, s);
            assertThat(before - after, is(301_000L));

            HttpResponse<String> again = node.send(node.gw1(), "POST", "/admin/api/withdraw/lightning", s, pay);
            assertThat(json(again).path("id").asText(), is(json(paid).path("id").asText()));
            assertThat("paid once", yourBalance(node, s), is(after));
            HttpResponse<String> tooMuch = node.send(node.gw1(), "POST", "/admin/api/withdraw/lightning", s,
                    Json.object().put("destination", invoice(payee, after / 1000 - 1)));
            assertThat("the fee reserve must fit too: " + tooMuch.body(), tooMuch.statusCode(), is(400));
            assertThat(tooMuch.body(), containsString("insufficient_owner_balance"));

            JsonNode history = json(node.send(node.gw1(), "GET", "/admin/api/withdraw/lightning", s, null));
            assertThat(history.toString(), history.path("withdrawals").size(), is(1));
            assertThat(history.at("/withdrawals/0/method").asText(), is("lightning"));
            assertThat(history.at("/withdrawals/0/state").asText(), is("paid"));
            assertThat(history.at("/withdrawals/0/fee").asLong(), is(1L));
            assertThat(history.at("/withdrawals/0/destination").asText(), is(invoice));
            assertThat(json(node.send(node.gw1(), "GET", "/admin/api/withdraw?method=lightning", s, null)).path("withdrawals").size(),
                       is(1));
            assertThat(node.send(node.gw1(), "GET", "/admin/api/withdraw?method=cheque", s, null).statusCode(), is(400));
        }
    }

    private static long yourBalance(AdminNode node, AdminNode.Session s) throws Exception {
        return json(node.send(node.gw1(), "GET", "/admin/api/overview", s, null)).path("your_balance_msat").asLong();
    }

    private static String invoice(TestMint payee, long sat) {
        return new CashuWallet(MintClient.create(payee.url())).requestMintQuote(sat, "sat").request();
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.mapper().readTree(r.body());
    }
}
