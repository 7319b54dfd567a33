package org.routstr.admin.withdraw;

import java.sql.Timestamp;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbRow;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.routstr.admin.Http;
import org.routstr.admin.WalletClient;
import org.routstr.admin.audit.AuditLog;
import org.routstr.admin.auth.Admin;
import org.routstr.common.http.ApiException;
import org.routstr.common.json.Json;

/**
 * {@code /admin/api/withdraw}: POST takes the operator's profit out as a Cashu token of a trusted mint, POST
 * {@code /lightning} pays it to a Lightning address or invoice (wallet-service checks the amount, with the fee reserve,
 * against Your Balance under its lock and refuses more); GET is the history of both ({@code ?method=token|lightning}), GET
 * {@code /lightning} the Lightning ones. The audit log records amounts, fee and mint only.
 */
public final class WithdrawHttpService implements HttpService {
    private static final Set<String> UNITS = Set.of("sat", "msat");
    private static final Map<String, String> METHODS = Map.of("", "", "token", "owner", "lightning", "owner_ln");
    private final WalletClient wallet;
    private final DbClient db;
    private final AuditLog audit;

    public WithdrawHttpService(WalletClient wallet, DbClient db, AuditLog audit) {
        this.wallet = wallet;
        this.db = db;
        this.audit = audit;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/", this::withdraw).get("/", this::history).post("/lightning", this::lightning)
                .get("/lightning", (req, res) -> list(req, res, "owner_ln"));
    }

    private void withdraw(ServerRequest req, ServerResponse res) {
        Admin admin = Admin.of(req);
        ObjectNode body = Http.body(req);
        JsonNode amount = body.path("amount");
        if (!amount.canConvertToExactIntegral() || amount.asLong() <= 0) {
            throw field("amount", "amount must be a whole number above 0");
        }
        String unit = body.path("unit").asText("sat");
        if (!UNITS.contains(unit)) {
            throw field("unit", "unit must be sat or msat");
        }
        ObjectNode call = Json.object().put("amount", amount.asLong()).put("unit", unit);
        if (body.hasNonNull("mint_url")) {
            call.put("mint_url", Http.text(body, "mint_url"));
        }
        JsonNode out = wallet.withdraw(call);
        audit.write(admin.actor(), "withdraw.token", out.path("mint_url").asText(), null,
                    Json.object().put("amount", out.path("amount").asLong()).put("unit", unit), Http.address(req));
        Http.ok(req, res, Json.object().put("token", out.path("token").asText()).put("mint_url", out.path("mint_url").asText())
                .put("amount", out.path("amount").asLong()).put("unit", unit));
    }

    /**
     * The operator's profit to a Lightning address, LNURL-pay URL or bolt11 invoice ({@code destination}; {@code amount} in
     * sat, required for an address), paid once per {@code idempotency_key} (body, or the {@code Idempotency-Key} header;
     * one is made up when neither is given). 200 paid, 202 pending (the wallet resolves it), 502 failed (nothing left).
     */
    private void lightning(ServerRequest req, ServerResponse res) {
        Admin admin = Admin.of(req);
        ObjectNode body = Http.body(req);
        String destination = Http.text(body, "destination");
        ObjectNode call = Json.object().put("destination", destination);
        if (body.hasNonNull("amount")) {
            JsonNode amount = body.path("amount");
            if (!amount.canConvertToExactIntegral() || amount.asLong() <= 0) {
                throw field("amount", "amount must be a whole number of sats above 0");
            }
            call.put("amount", amount.asLong());
        }
        if (body.hasNonNull("mint_url")) {
            call.put("mint_url", Http.text(body, "mint_url"));
        }
        String key = body.hasNonNull("idempotency_key") ? body.path("idempotency_key").asText()
                : req.headers().first(HeaderNames.create("Idempotency-Key")).orElse(UUID.randomUUID().toString());
        if (!key.matches("[A-Za-z0-9_.:-]{1,100}")) {
            throw field("idempotency_key", "idempotency_key must be 1 to 100 characters [A-Za-z0-9_.:-]");
        }
        JsonNode out = wallet.melt(call.put("idempotency_key", key));
        String state = out.path("state").asText();
        audit.write(admin.actor(), "withdraw.lightning", out.path("id").asText(), null, Json.object().put("amount", out.path("amount").asLong())
                .put("fee", out.path("fee").asLong()).put("state", state).put("mint_url", out.path("mint_url").asText()), Http.address(req));
        if (state.equals("failed")) {
            throw new ApiException(502, "upstream_error", "lightning_payment_failed",
                    "The Lightning payment failed (" + out.path("error").asText("unknown") + "); the money stays in the wallet");
        }
        Http.send(req, res, state.equals("paid") ? 200 : 202, (ObjectNode) out);
    }

    private void history(ServerRequest req, ServerResponse res) {
        String method = req.query().first("method").orElse("");
        if (!METHODS.containsKey(method)) {
            throw field("method", "method must be token or lightning");
        }
        list(req, res, METHODS.get(method));
    }

    private void list(ServerRequest req, ServerResponse res, String kind) {
        ArrayNode out = Json.mapper().createArrayNode();
        db.execute().createNamedQuery("withdrawals").addParam("limit", Http.intParam(req, "limit", 50, 1, 500)).addParam("method", kind)
                .execute().forEach(r -> out.add(row(r)));
        Http.ok(req, res, Json.object().set("withdrawals", out));
    }

    private static ObjectNode row(DbRow r) {
        boolean ln = r.column("kind").get(String.class).equals("owner_ln");
        return Json.object().put("id", r.column("id").get(String.class)).put("method", ln ? "lightning" : "token")
                .put("amount", ((Number) r.column("amount").get()).longValue()).put("fee", ((Number) r.column("fee").get()).longValue())
                .put("unit", r.column("unit").get(String.class)).put("mint_url", r.column("mint_url").get(String.class))
                .put("state", state(ln, r.column("state").get(String.class)))
                .put("token", r.column("token").asOptional().map(String::valueOf).orElse(null))
                .put("destination", r.column("recipient").asOptional().map(String::valueOf).orElse(null))
                .put("error", r.column("error").asOptional().map(String::valueOf).orElse(null))
                .put("created_at", ((Timestamp) r.column("created_at").get()).toInstant().toString());
    }

    /**
     * A token withdrawal is {@code issued} once its token exists; a Lightning one is {@code paid} once the melt went
     * through, the word {@code POST /withdraw/lightning} answers with (both are {@code issued} in wallet_tokens_out).
     */
    private static String state(boolean lightning, String stored) {
        return lightning && stored.equals("issued") ? "paid" : stored;
    }

    private static ApiException field(String name, String message) {
        return new ApiException(400, "invalid_request_error", "invalid_" + name, message, Map.of("field", name));
    }
}
