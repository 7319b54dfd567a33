package org.routstr.admin.logs;

import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbRow;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.routstr.admin.Http;
import org.routstr.common.http.ApiException;
import org.routstr.common.json.Json;

/**
 * {@code GET /admin/api/logs?level=error,warning&service=&q=&request_id=&from=&to=&before=&after=&limit=}: the cluster's
 * log records, newest first. {@code before} pages back (the answer's {@code next_before}); {@code after} is the live tail
 * (records newer than the newest one seen, the answer's {@code newest}).
 */
public final class LogsHttpService implements HttpService {
    private static final Set<String> LEVELS = Set.of("error", "warning", "info", "debug");
    private final DbClient db;

    public LogsHttpService(DbClient db) {
        this.db = db;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::search);
    }

    private void search(ServerRequest req, ServerResponse res) {
        String levels = req.query().first("level").orElse("");
        for (String l : levels.isEmpty() ? new String[0] : levels.split(",")) {
            if (!LEVELS.contains(l)) {
                throw field("level", "level must be a list of error, warning, info, debug");
            }
        }
        int limit = Http.intParam(req, "limit", 100, 1, 1000);
        Map<String, Object> p = new HashMap<>();
        p.put("levels", levels);
        p.put("service", req.query().first("service").orElse(""));
        p.put("q", req.query().first("q").orElse("").replace("%", "\\%").replace("_", "\\_"));
        p.put("request_id", req.query().first("request_id").orElse("").toLowerCase(java.util.Locale.ROOT));
        p.put("from", time(req, "from", OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC)));
        p.put("to", time(req, "to", OffsetDateTime.now(ZoneOffset.UTC).plusDays(1)));
        p.put("before_id", id(req, "before", Long.MAX_VALUE));
        p.put("after_id", id(req, "after", 0));
        p.put("limit", limit);
        ArrayNode out = Json.mapper().createArrayNode();
        long newest = id(req, "after", 0);
        long oldest = 0;
        for (DbRow r : db.execute().createNamedQuery("log-search").params(p).execute().toList()) {
            long id = r.column("id").get(Long.class);
            newest = Math.max(newest, id);
            oldest = id;
            out.addObject().put("id", id).put("at", ((Timestamp) r.column("at").get()).toInstant().toString())
                    .put("level", r.column("level").get(String.class)).put("service", r.column("service").get(String.class))
                    .put("logger", r.column("logger").get(String.class)).put("message", r.column("message").get(String.class))
                    .put("request_id", r.column("request_id").asOptional().map(String::valueOf).orElse(null));
        }
        ObjectNode body = Json.object().put("newest", newest).put("next_before", out.size() == limit ? oldest : null);
        body.set("logs", out);
        Http.ok(req, res, body);
    }

    private static OffsetDateTime time(ServerRequest req, String name, OffsetDateTime dflt) {
        try {
            return req.query().first(name).asOptional().map(OffsetDateTime::parse).orElse(dflt);
        } catch (DateTimeParseException e) {
            throw field(name, name + " must be an ISO-8601 time with offset, like 2026-12-01T10:00:00Z");
        }
    }

    private static long id(ServerRequest req, String name, long dflt) {
        try {
            return req.query().first(name).asOptional().map(Long::parseLong).orElse(dflt);
        } catch (NumberFormatException e) {
            throw field(name, name + " must be a record id");
        }
    }

    private static ApiException field(String name, String message) {
        return new ApiException(400, "invalid_request_error", "invalid_" + name, message, Map.of("field", name));
    }
}
