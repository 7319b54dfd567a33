package org.routstr.admin.withdraw;

import java.sql.Timestamp;
import java.util.Map;
import java.util.Set;

import io.helidon.dbclient.DbClient;
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
 * {@code /admin/api/withdraw}: POST takes the operator's profit out as a Cashu token of a trusted mint (wallet-service
 * checks the amount against Your Balance under its lock and refuses more); GET is the history. The token is shown once in
 * the answer; the audit log records amount and mint only.
 */
public final class WithdrawHttpService implements HttpService {
    private static final Set<String> UNITS = Set.of("sat", "msat");
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
        rules.post("/", this::withdraw).get("/", this::history);
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

    private void history(ServerRequest req, ServerResponse res) {
        ArrayNode out = Json.mapper().createArrayNode();
        db.execute().createNamedQuery("withdrawals").addParam("limit", Http.intParam(req, "limit", 50, 1, 500)).execute()
                .forEach(r -> out.addObject().put("id", r.column("id").get(String.class)).put("amount", ((Number) r.column("amount").get()).longValue())
                        .put("unit", r.column("unit").get(String.class)).put("mint_url", r.column("mint_url").get(String.class))
                        .put("state", r.column("state").get(String.class))
                        .put("token", r.column("token").asOptional().map(String::valueOf).orElse(null))
                        .put("created_at", ((Timestamp) r.column("created_at").get()).toInstant().toString()));
        Http.ok(req, res, Json.object().set("withdrawals", out));
    }

    private static ApiException field(String name, String message) {
        return new ApiException(400, "invalid_request_error", "invalid_" + name, message, Map.of("field", name));
    }
}
