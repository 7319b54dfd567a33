package org.routstr.gateway.info;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.function.Supplier;

import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.routstr.common.json.Json;
import org.routstr.gateway.catalog.Catalog;
import org.routstr.gateway.catalog.ModelPrices;
import org.routstr.gateway.catalog.Route;
import org.routstr.gateway.pricing.Pricer;

/**
 * Answers locally: {@code GET /v1/models} (prices per token with fees, as the reference shows them), {@code GET /v1/info},
 * and {@code GET /}.
 */
public final class InfoHttpService implements HttpService {
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
    private final Catalog catalog;
    private final Pricer pricer;
    private final Supplier<NodeInfo> info;

    public InfoHttpService(Catalog catalog, Pricer pricer, Supplier<NodeInfo> info) {
        this.catalog = catalog;
        this.pricer = pricer;
        this.info = info;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/v1/models", this::models)
                .get("/v1/models/", this::models)
                .get("/models", this::models)
                .get("/models/", this::models)
                .get("/v1/info", this::info)
                .get("/", this::root);
    }

    private void models(ServerRequest req, ServerResponse res) {
        ObjectNode out = Json.object();
        out.put("object", "list");
        for (Route r : catalog.models()) {
            out.withArray("data").add(model(r));
        }
        send(res, out);
    }

    private ObjectNode model(Route r) {
        ObjectNode m = Json.object();
        m.put("id", r.modelId());
        m.put("object", "model");
        m.put("created", 0);
        m.put("owned_by", r.provider().slug());
        m.put("name", r.modelId());
        r.contextLength().ifPresent(c -> m.put("context_length", c));
        ModelPrices p = r.prices();
        BigDecimal fee = pricer.fee(r);
        ObjectNode pricing = m.putObject("pricing");
        pricing.put("prompt", perToken(p.inputPerM(), fee));
        pricing.put("completion", perToken(p.outputPerM(), fee));
        pricing.put("request", p.perRequest().map(v -> v.multiply(fee)).orElse(BigDecimal.ZERO).toPlainString());
        pricing.put("image", p.perImage().map(v -> v.multiply(fee)).orElse(BigDecimal.ZERO).toPlainString());
        pricing.put("input_cache_read", perToken(p.cacheReadPerM().orElse(p.inputPerM()), fee));
        pricing.put("input_cache_write", perToken(p.cacheWritePerM().orElse(p.inputPerM()), fee));
        ObjectNode top = m.putObject("top_provider");
        r.contextLength().ifPresent(c -> top.put("context_length", c));
        r.maxCompletionTokens().ifPresent(c -> top.put("max_completion_tokens", c));
        m.set("alias_ids", Json.mapper().valueToTree(List.copyOf(r.aliases())));
        m.put("enabled", true);
        return m;
    }

    private void info(ServerRequest req, ServerResponse res) {
        send(res, Json.mapper().valueToTree(info.get()));
    }

    private void root(ServerRequest req, ServerResponse res) {
        NodeInfo info = this.info.get();
        send(res, Json.object().put("name", info.name()).put("description", info.description()).put("version", info.version())
                .put("status", "running"));
    }

    private static String perToken(BigDecimal usdPerM, BigDecimal fee) {
        return usdPerM.multiply(fee).divide(MILLION, MathContext.DECIMAL64).stripTrailingZeros().toPlainString();
    }

    private static void send(ServerResponse res, ObjectNode body) {
        res.header(HeaderValues.CONTENT_TYPE_JSON);
        res.send(Json.bytes(body));
    }
}
