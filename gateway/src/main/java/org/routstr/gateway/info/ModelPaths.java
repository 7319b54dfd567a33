package org.routstr.gateway.info;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.routstr.common.http.ApiException;
import org.routstr.common.json.Json;
import org.routstr.gateway.catalog.Catalog;
import org.routstr.gateway.catalog.Route;

/**
 * {@code /v1/models/paths} as the reference serves it: per public model, every provider route as an opaque percent-encoded
 * {@code url=…&provider-id=…&model-id=…}, with the provider's id, slug and API type; private, loopback and explicit-port
 * upstream addresses are advertised as {@code http://localhost} (as the reference does). Discovery only: requests are
 * not routed by path.
 */
final class ModelPaths {
    private final Catalog catalog;

    ModelPaths(Catalog catalog) {
        this.catalog = catalog;
    }

    ObjectNode all() {
        ObjectNode out = Json.object();
        ArrayNode data = out.putArray("data");
        byModel().forEach((id, routes) -> data.add(entry(id, routes)));
        out.put("updated_at", Instant.now().getEpochSecond());
        return out;
    }

    ObjectNode one(String modelId) {
        List<Route> routes = byModel().get(modelId);
        if (routes == null) {
            throw ApiException.notFound("Model not found");
        }
        ObjectNode out = Json.object();
        out.putArray("data").add(entry(modelId, routes));
        out.put("updated_at", Instant.now().getEpochSecond());
        return out;
    }

    private Map<String, List<Route>> byModel() {
        Map<String, List<Route>> m = new LinkedHashMap<>();
        for (Route best : catalog.models()) {
            m.put(best.modelId(), catalog.routes(best.modelId()).stream().filter(r -> r.modelId().equals(best.modelId())).toList());
        }
        return m;
    }

    private static ObjectNode entry(String id, List<Route> routes) {
        ObjectNode e = Json.object().put("id", id);
        ArrayNode paths = e.putArray("paths");
        for (Route r : routes) {
            ObjectNode p = paths.addObject();
            p.put("path", URLEncoder.encode("url=" + advertised(r.provider().baseUrl()) + "&provider-id=" + r.provider().id()
                                            + "&model-id=" + r.modelId(), StandardCharsets.UTF_8));
            p.putObject("provider").put("id", r.provider().id()).put("slug", r.provider().slug()).put("type", r.provider().api());
            p.putNull("endpoint");
        }
        return e;
    }

    /** The base URL, or {@code http://localhost} for private, loopback or explicit-port addresses. */
    static String advertised(String baseUrl) {
        try {
            URI u = URI.create(baseUrl);
            String h = u.getHost() == null ? "" : u.getHost();
            boolean local = h.equals("localhost") || h.startsWith("127.") || h.startsWith("10.") || h.startsWith("192.168.")
                            || h.matches("172\\.(1[6-9]|2\\d|3[01])\\..*") || h.startsWith("169.254.") || h.equals("::1")
                            || h.equals("[::1]") || h.endsWith(".local") || h.endsWith(".internal");
            return local || u.getPort() != -1 ? "http://localhost" : baseUrl;
        } catch (IllegalArgumentException e) {
            return "http://localhost";
        }
    }
}
