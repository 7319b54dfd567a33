package org.routstr.gateway.info;

import java.util.function.Supplier;

import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.routstr.common.json.Json;
import org.routstr.gateway.catalog.Catalog;
import org.routstr.gateway.catalog.Route;
import org.routstr.gateway.pricing.Pricer;

/**
 * Answers locally: {@code GET /v1/models} (see {@link ModelJson}), {@code /v1/models/paths} (see {@link ModelPaths}),
 * {@code GET /v1/info}, and {@code GET /}.
 */
public final class InfoHttpService implements HttpService {
    private final Catalog catalog;
    private final Supplier<NodeInfo> info;
    private final ModelJson modelJson;
    private final ModelPaths paths;

    public InfoHttpService(Catalog catalog, Pricer pricer, Supplier<NodeInfo> info) {
        this.catalog = catalog;
        this.info = info;
        this.modelJson = new ModelJson(pricer);
        this.paths = new ModelPaths(catalog);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/v1/models/paths", (req, res) -> send(res, paths.all()))
                .get("/v1/models/paths/model", (req, res) -> send(res, paths.one(req.query().first("model_id").orElse(""))))
                .get("/v1/models", this::models)
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
            out.withArray("data").add(modelJson.of(r));
        }
        send(res, out);
    }

    private void info(ServerRequest req, ServerResponse res) {
        send(res, Json.mapper().valueToTree(info.get()));
    }

    private void root(ServerRequest req, ServerResponse res) {
        NodeInfo info = this.info.get();
        send(res, Json.object().put("name", info.name()).put("description", info.description()).put("version", info.version())
                .put("status", "running"));
    }

    private static void send(ServerResponse res, ObjectNode body) {
        res.header(HeaderValues.CONTENT_TYPE_JSON);
        res.send(Json.bytes(body));
    }
}
