package org.routstr.admin.models;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbRow;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.routstr.admin.Http;
import org.routstr.admin.audit.AuditLog;
import org.routstr.admin.auth.Admin;
import org.routstr.common.events.ControlEvent;
import org.routstr.common.http.ApiException;
import org.routstr.common.json.Json;
import org.routstr.common.kafka.ControlBus;

/**
 * {@code /admin/api/models}: the catalog (one row per model and provider, USD per 1M before fees, the custom flag, aliases)
 * and {@code PATCH /{provider}/{id}} to enable, disable, re-price and alias a model. An edited model is "custom": the
 * gateway's start-up seed leaves it alone. Every change is audited and {@code catalog.changed} makes every gateway reload.
 */
public final class ModelsHttpService implements HttpService {
    private static final BigDecimal MAX_PRICE = new BigDecimal("100000");
    private final DbClient db;
    private final ControlBus bus;
    private final AuditLog audit;

    public ModelsHttpService(DbClient db, ControlBus bus, AuditLog audit) {
        this.db = db;
        this.bus = bus;
        this.audit = audit;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::list).patch("/{provider}/{id}", this::edit);
    }

    private void list(ServerRequest req, ServerResponse res) {
        ArrayNode out = Json.mapper().createArrayNode();
        db.execute().namedQuery("models-list").forEach(r -> out.add(view(r)
                .put("upstream_id", r.column("upstream_id").get(String.class))
                .put("provider_enabled", r.column("provider_enabled").get(Boolean.class))));
        Http.ok(req, res, Json.object().set("models", out));
    }

    private void edit(ServerRequest req, ServerResponse res) {
        Admin admin = Admin.of(req);
        String provider = req.path().pathParameters().get("provider");
        String id = req.path().pathParameters().get("id");
        DbRow row = db.execute().createNamedGet("model-one").params(Map.of("id", id, "provider", provider)).execute()
                .orElseThrow(() -> ApiException.notFound("Model not found"));
        ObjectNode before = view(row);
        ObjectNode body = Http.body(req);
        Map<String, Object> p = new HashMap<>();
        p.put("id", id);
        p.put("provider", provider);
        p.put("enabled", body.has("enabled") ? bool(body.get("enabled")) : before.path("enabled").asBoolean());
        p.put("input", body.has("input_usd_per_m") ? price(body.get("input_usd_per_m"), "input_usd_per_m")
                : new BigDecimal(before.path("input_usd_per_m").asText()));
        p.put("output", body.has("output_usd_per_m") ? price(body.get("output_usd_per_m"), "output_usd_per_m")
                : new BigDecimal(before.path("output_usd_per_m").asText()));
        p.put("aliases", String.join(",", body.has("aliases") ? aliases(body.get("aliases")) : list(before.path("aliases"))));
        db.execute().createNamedUpdate("model-update").params(p).execute();
        ObjectNode after = view(db.execute().createNamedGet("model-one").params(Map.of("id", id, "provider", provider)).execute()
                                        .orElseThrow());
        audit.write(admin.actor(), "model.update", provider + "/" + id, before, after, Http.address(req));
        bus.publish(ControlEvent.of("catalog.changed", id, Map.of("provider", provider)));
        Http.ok(req, res, after);
    }

    private static ObjectNode view(DbRow r) {
        ObjectNode m = Json.object().put("id", r.column("id").get(String.class)).put("provider", r.column("provider").get(String.class))
                .put("enabled", r.column("enabled").get(Boolean.class)).put("custom", r.column("custom").get(Boolean.class))
                .put("input_usd_per_m", r.column("usd_per_m_input").get(BigDecimal.class).stripTrailingZeros().toPlainString())
                .put("output_usd_per_m", r.column("usd_per_m_output").get(BigDecimal.class).stripTrailingZeros().toPlainString());
        ArrayNode a = m.putArray("aliases");
        String s = r.column("aliases").asOptional().map(String::valueOf).orElse("");
        for (String x : s.isEmpty() ? new String[0] : s.split(",")) {
            a.add(x);
        }
        return m;
    }

    private static boolean bool(JsonNode v) {
        if (!v.isBoolean()) {
            throw field("enabled", "enabled must be true or false");
        }
        return v.asBoolean();
    }

    private static BigDecimal price(JsonNode v, String name) {
        try {
            BigDecimal d = v.isNumber() ? v.decimalValue() : new BigDecimal(v.asText());
            if (d.signum() >= 0 && d.compareTo(MAX_PRICE) <= 0 && (v.isNumber() || v.isTextual())) {
                return d;
            }
        } catch (NumberFormatException e) {
            // falls through to the 400
        }
        throw field(name, name + " must be a USD price per 1M tokens from 0 to 100000");
    }

    private static List<String> aliases(JsonNode v) {
        if (!v.isArray()) {
            throw field("aliases", "aliases must be a list of model ids");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode a : v) {
            if (!a.isTextual() || !a.asText().matches("[A-Za-z0-9._:/-]{1,200}")) {
                throw field("aliases", "an alias is 1 to 200 letters, digits or . _ : / -");
            }
            out.add(a.asText());
        }
        return out;
    }

    private static List<String> list(JsonNode a) {
        List<String> out = new ArrayList<>();
        a.forEach(x -> out.add(x.asText()));
        return out;
    }

    private static ApiException field(String name, String message) {
        return new ApiException(400, "invalid_request_error", "invalid_" + name, message, Map.of("field", name));
    }
}
