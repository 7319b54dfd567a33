package org.routstr.admin.models;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbRow;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.routstr.admin.Http;
import org.routstr.admin.Sealer;
import org.routstr.admin.audit.AuditLog;
import org.routstr.admin.auth.Admin;
import org.routstr.common.events.ControlEvent;
import org.routstr.common.http.ApiException;
import org.routstr.common.json.Json;
import org.routstr.common.kafka.ControlBus;

/**
 * {@code /admin/api/providers}: list (API keys redacted), add, edit or disable a provider (keys sealed as the gateway opens
 * them), test the connection ({@code GET <base>/models}), and import models from the provider's {@code /models} or from an
 * OpenRouter-format catalog in the body (prices per token become USD per 1M). Changes publish {@code catalog.changed}.
 */
public final class ProvidersHttpService implements HttpService {
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
    private final DbClient db;
    private final ControlBus bus;
    private final AuditLog audit;
    private final Sealer sealer;
    private final WebClient client = WebClient.builder().connectTimeout(Duration.ofSeconds(3)).readTimeout(Duration.ofSeconds(10)).build();

    public ProvidersHttpService(DbClient db, ControlBus bus, AuditLog audit, Sealer sealer) {
        this.db = db;
        this.bus = bus;
        this.audit = audit;
        this.sealer = sealer;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::list).post("/", this::add).patch("/{slug}", this::edit).post("/{slug}/test", this::test)
                .post("/{slug}/import", this::importModels);
    }

    private void list(ServerRequest req, ServerResponse res) {
        ArrayNode out = Json.mapper().createArrayNode();
        db.execute().namedQuery("providers-list").forEach(r -> out.addObject().put("slug", r.column("slug").get(String.class))
                .put("base_url", r.column("base_url").get(String.class))
                .put("api_key", r.column("has_key").get(Boolean.class) ? "[REDACTED]" : "")
                .put("enabled", r.column("enabled").get(Boolean.class))
                .put("fee", r.column("fee").asOptional().map(v -> ((BigDecimal) v).stripTrailingZeros().toPlainString()).orElse(null))
                .put("priority", ((Number) r.column("priority").get()).intValue())
                .put("models", ((Number) r.column("models").get()).longValue()));
        Http.ok(req, res, Json.object().set("providers", out));
    }

    private void add(ServerRequest req, ServerResponse res) {
        ObjectNode body = Http.body(req);
        String slug = Http.text(body, "slug");
        if (!slug.matches("[a-z0-9][a-z0-9._-]{0,63}")) {
            throw field("slug", "slug must be lower-case letters, digits, . _ - (up to 64)");
        }
        Map<String, Object> p = params(body, slug, Optional.empty());
        if (db.execute().createNamedInsert("provider-insert").params(p).execute() == 0) {
            throw new ApiException(409, "invalid_request_error", "provider_exists", "A provider with this slug exists");
        }
        changed(req, "provider.create", slug, null);
        Http.send(req, res, 201, Json.object().put("slug", slug));
    }

    private void edit(ServerRequest req, ServerResponse res) {
        String slug = req.path().pathParameters().get("slug");
        DbRow row = provider(slug);
        Map<String, Object> p = params(Http.body(req), slug, Optional.of(row));
        db.execute().createNamedUpdate("provider-update").params(p).execute();
        changed(req, "provider.update", slug, Json.object().put("base_url", row.column("base_url").get(String.class))
                .put("enabled", row.column("enabled").get(Boolean.class)));
        Http.ok(req, res, Json.object().put("slug", slug));
    }

    private void test(ServerRequest req, ServerResponse res) {
        ObjectNode out = Json.object();
        try {
            JsonNode models = fetchModels(provider(req.path().pathParameters().get("slug")));
            out.put("ok", true).put("model_count", models.path("data").size());
        } catch (ApiException e) {
            out.put("ok", false).put("error", e.getMessage());
        }
        Http.ok(req, res, out);
    }

    private void importModels(ServerRequest req, ServerResponse res) {
        String slug = req.path().pathParameters().get("slug");
        DbRow row = provider(slug);
        ObjectNode body = Http.body(req);
        JsonNode catalog = body.has("catalog") ? body.get("catalog") : fetchModels(row);
        if (!catalog.path("data").isArray()) {
            throw field("catalog", "catalog must be an OpenRouter-format object with a data list");
        }
        int added = 0;
        for (JsonNode m : catalog.path("data")) {
            String id = m.path("id").asText("");
            if (id.isEmpty() || id.length() > 200) {
                continue;
            }
            BigDecimal in = perMillion(m.at("/pricing/prompt"));
            BigDecimal out = perMillion(m.at("/pricing/completion"));
            Map<String, Object> p = new HashMap<>();
            p.put("id", id);
            p.put("slug", slug);
            // a model without a price is imported disabled: the operator prices it before clients can use it
            p.put("enabled", in.signum() > 0 || out.signum() > 0);
            p.put("input", in);
            p.put("output", out);
            p.put("context", m.path("context_length").canConvertToInt() && m.path("context_length").asInt() > 0
                    ? m.path("context_length").asInt() : null);
            added += (int) db.execute().createNamedInsert("model-import").params(p).execute();
        }
        changed(req, "provider.import", slug, null);
        Http.ok(req, res, Json.object().put("imported", added).put("seen", catalog.path("data").size()));
    }

    private Map<String, Object> params(ObjectNode body, String slug, Optional<DbRow> old) {
        Map<String, Object> p = new HashMap<>();
        p.put("slug", slug);
        String base = body.has("base_url") ? Http.text(body, "base_url") : old.map(r -> r.column("base_url").get(String.class))
                .orElseThrow(() -> field("base_url", "base_url is required"));
        if (!base.matches("https?://[^\\s]+") || hostless(base)) {
            throw field("base_url", "base_url must be an http(s) URL with a host, including /v1");
        }
        p.put("base_url", base.replaceAll("/+$", ""));
        p.put("key", body.has("api_key") ? (Http.text(body, "api_key").isBlank() ? null
                : sealer.seal(body.get("api_key").asText(), Sealer.PROVIDER_KEY, "api_key"))
                : old.flatMap(r -> r.column("api_key_enc").asOptional().map(String::valueOf)).orElse(null));
        p.put("enabled", body.has("enabled") ? body.get("enabled").asBoolean() : old.map(r -> r.column("enabled").get(Boolean.class)).orElse(true));
        BigDecimal fee = body.hasNonNull("fee") ? decimal(body.get("fee"), "fee")
                : old.flatMap(r -> r.column("fee").asOptional().map(v -> (BigDecimal) v)).orElse(null);
        if (fee != null && (fee.compareTo(BigDecimal.ONE) < 0 || fee.compareTo(BigDecimal.TEN) > 0)) {
            throw field("fee", "fee must be from 1 to 10");
        }
        p.put("fee", fee);
        p.put("priority", body.has("priority") ? body.get("priority").asInt() : old.map(r -> ((Number) r.column("priority").get()).intValue())
                .orElse(0));
        return p;
    }

    private static boolean hostless(String url) {
        try {
            return new URI(url).getHost() == null;
        } catch (java.net.URISyntaxException e) {
            return true;
        }
    }

    private JsonNode fetchModels(DbRow row) {
        var r = client.get(row.column("base_url").get(String.class) + "/models");
        row.column("api_key_enc").asOptional().map(String::valueOf)
                .ifPresent(k -> r.header(HeaderNames.AUTHORIZATION, "Bearer " + sealer.open(k, Sealer.PROVIDER_KEY)));
        try (HttpClientResponse res = r.request()) {
            if (res.status().code() != 200) {
                throw ApiException.unavailable("provider_error", "the provider answered " + res.status().code());
            }
            return Json.parse(res.inputStream().readAllBytes());
        } catch (java.io.IOException | io.helidon.http.HttpException | java.io.UncheckedIOException e) {
            throw ApiException.unavailable("provider_unreachable", "the provider is not reachable");
        } catch (RuntimeException e) {
            if (e instanceof ApiException a) {
                throw a;
            }
            throw ApiException.unavailable("provider_unreachable", "the provider is not reachable");
        }
    }

    private DbRow provider(String slug) {
        return db.execute().createNamedGet("provider-get").addParam("slug", slug).execute()
                .orElseThrow(() -> ApiException.notFound("Provider not found"));
    }

    private void changed(ServerRequest req, String action, String slug, JsonNode before) {
        Admin a = Admin.of(req);
        audit.write(a.actor(), action, slug, before, null, Http.address(req));
        bus.publish(ControlEvent.of("catalog.changed", slug, Map.of()));
    }

    private static BigDecimal perMillion(JsonNode perToken) {
        try {
            BigDecimal d = new BigDecimal(perToken.asText("0"));
            return d.signum() < 0 ? BigDecimal.ZERO : d.multiply(MILLION).stripTrailingZeros();
        } catch (NumberFormatException e) {
            return BigDecimal.ZERO;
        }
    }

    private static BigDecimal decimal(JsonNode v, String name) {
        try {
            return v.isNumber() ? v.decimalValue() : new BigDecimal(v.asText());
        } catch (NumberFormatException e) {
            throw field(name, name + " must be a number");
        }
    }

    private static ApiException field(String name, String message) {
        return new ApiException(400, "invalid_request_error", "invalid_" + name, message, Map.of("field", name));
    }
}
