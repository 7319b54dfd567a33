package org.routstr.wallet.lightning;

import java.util.Optional;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.routstr.common.http.ApiException;
import org.routstr.common.json.Json;
import org.routstr.common.keys.ApiKeys;
import org.routstr.ledger.Account;
import org.routstr.wallet.balance.Http;
import org.routstr.wallet.balance.Keys;
import org.routstr.wallet.mint.AccountSpec;
import org.routstr.wallet.mint.Invoice;
import org.routstr.wallet.mint.KeyWrap;
import org.routstr.wallet.mint.Minter;

/**
 * Lightning top-up (RIP-08) under {@code /lightning} and the legacy {@code /v1/balance/lightning}: invoice, status
 * (polling settles), recover by bolt11. {@code payment_hash} is an opaque hash of the mint quote id: the quote id itself
 * would let its holder mint the ecash.
 */
public final class LightningHttpService implements HttpService {
    private final Minter minter;
    private final Keys keys;

    public LightningHttpService(Minter minter, Keys keys) {
        this.minter = minter;
        this.keys = keys;
    }

    @Override
    public void routing(HttpRules rules) {
        for (String p : new String[] {"/lightning", "/v1/balance/lightning"}) {
            rules.post(p + "/invoice", this::invoice)
                    .get(p + "/invoice/{id}/status", this::status)
                    .post(p + "/recover", this::recover);
        }
    }

    private void invoice(ServerRequest req, ServerResponse res) {
        JsonNode body = Http.body(req);
        long sats = body.path("amount_sats").asLong(0);
        if (sats < 1 || sats > 1_000_000) {
            throw new ApiException(422, "invalid_request_error", "invalid_amount", "amount_sats must be between 1 and 1000000");
        }
        String purpose = body.path("purpose").asText("create");
        Minter.Created created;
        if (purpose.equals("topup")) {
            String bearer = Http.bearer(req).or(() -> Optional.of(body.path("api_key").asText("")).filter(s -> !s.isEmpty()))
                    .orElseThrow(() -> ApiException.unauthorized("missing_api_key", "Authorization bearer api key is required for topup"));
            if (!bearer.startsWith("sk-")) {
                throw ApiException.badRequest("invalid_api_key", "Invalid API key format");
            }
            Account a = keys.find(bearer).orElseThrow(() -> ApiException.notFound("API key not found"));
            created = minter.create(sats, "topup", a.parentHash().orElse(a.keyHash()), Optional.empty(), Optional.empty());
        } else if (purpose.equals("create")) {
            AccountSpec spec = new AccountSpec(body.path("balance_limit").isNumber() ? body.path("balance_limit").asLong() : null,
                    body.path("balance_limit_reset").isTextual() ? body.path("balance_limit_reset").asText() : null,
                    body.path("validity_date").isNumber() ? body.path("validity_date").asLong() : null, null, null, null, "sat");
            String key = ApiKeys.newKey();
            created = minter.create(sats, "create", ApiKeys.hash(key), Optional.of(key), Optional.of(spec));
        } else {
            throw new ApiException(422, "invalid_request_error", "invalid_purpose", "purpose must be create or topup");
        }
        Invoice i = created.invoice();
        Http.ok(req, res, Json.object().put("invoice_id", created.invoiceId()).put("bolt11", created.bolt11())
                .put("amount_sats", i.amountSats()).put("expires_at", i.expiresAt().getEpochSecond())
                .put("payment_hash", ApiKeys.hash(i.quoteId())));
    }

    private void status(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        Invoice i = minter.byId(id).orElseThrow(() -> ApiException.notFound("Invoice not found"));
        Http.ok(req, res, view(minter.settle(i), id, i.wrappedKey()));
    }

    private void recover(ServerRequest req, ServerResponse res) {
        String bolt11 = Http.body(req).path("bolt11").asText("").strip();
        Invoice i = minter.byBolt11(bolt11).orElseThrow(() -> ApiException.notFound("Invoice not found"));
        Http.ok(req, res, view(minter.settle(i), bolt11, i.wrappedKeyBolt11()));
    }

    private static ObjectNode view(Invoice i, String secret, Optional<String> wrapped) {
        ObjectNode n = Json.object().put("status", i.status());
        if (i.status().equals("paid") && wrapped.isPresent()) {
            n.put("api_key", KeyWrap.unwrap(secret, wrapped.get()));
        } else {
            n.putNull("api_key");
        }
        n.put("amount_sats", i.amountSats());
        i.paidAt().ifPresentOrElse(p -> n.put("paid_at", p.getEpochSecond()), () -> n.putNull("paid_at"));
        return n.put("created_at", i.createdAt().getEpochSecond()).put("expires_at", i.expiresAt().getEpochSecond());
    }
}
