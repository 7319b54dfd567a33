package org.routstr.admin.audit;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.routstr.admin.Http;
import org.routstr.common.json.Json;

/**
 * {@code GET /admin/api/audit?before=&limit=}: the audit log, newest first, with a cursor ({@code next_before}).
 */
public final class AuditHttpService implements HttpService {
    private final AuditLog log;

    public AuditHttpService(AuditLog log) {
        this.log = log;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::list);
    }

    private void list(ServerRequest req, ServerResponse res) {
        long before = req.query().first("before").asOptional().map(Long::parseLong).orElse(Long.MAX_VALUE);
        int limit = Http.intParam(req, "limit", 100, 1, 1000);
        ArrayNode out = Json.mapper().createArrayNode();
        long last = 0;
        for (var r : log.page(before, limit)) {
            last = r.column("id").get(Long.class);
            ObjectNode e = out.addObject().put("id", last).put("at", r.column("at").get(java.sql.Timestamp.class).toInstant().toString())
                    .put("actor", r.column("actor").get(String.class)).put("action", r.column("action").get(String.class))
                    .put("target", r.column("target").get(String.class))
                    .put("address", r.column("address").asOptional().map(String::valueOf).orElse(null));
            e.set("before", Json.parse(r.column("before").asOptional().map(String::valueOf).orElse("null").getBytes()));
            e.set("after", Json.parse(r.column("after").asOptional().map(String::valueOf).orElse("null").getBytes()));
        }
        ObjectNode body = Json.object();
        body.set("entries", out);
        body.put("next_before", out.size() == limit ? last : null);
        Http.ok(req, res, body);
    }
}
