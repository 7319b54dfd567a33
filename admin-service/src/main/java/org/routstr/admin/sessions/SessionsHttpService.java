package org.routstr.admin.sessions;

import java.sql.Timestamp;
import java.util.Locale;
import java.util.Set;

import javax.sql.DataSource;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbRow;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.routstr.admin.Http;
import org.routstr.admin.audit.AuditLog;
import org.routstr.admin.auth.Admin;
import org.routstr.common.http.ApiException;
import org.routstr.common.json.Json;
import org.routstr.common.kafka.ControlBus;
import org.routstr.ledger.Ledger;

/**
 * {@code /admin/api/sessions}: API keys by hash (never the key) with search (hash prefix), status filter, sort and paging;
 * one key with its recent requests (reservation, cost, and billing's per-request model, HTTP status and tokens once
 * settled); revoke (audited).
 */
public final class SessionsHttpService implements HttpService {
    private static final Set<String> STATUSES = Set.of("", "active", "expired", "revoked");
    private final SessionsRepository repo;
    private final Revoker revoker;
    private final AuditLog audit;

    public SessionsHttpService(DbClient db, DataSource ds, ControlBus bus, AuditLog audit) {
        this.repo = new SessionsRepository(db);
        this.revoker = new Revoker(ds, new Ledger(ds), bus);
        this.audit = audit;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::list).get("/{hash}", this::one).post("/{hash}/revoke", this::revoke);
    }

    private void list(ServerRequest req, ServerResponse res) {
        String search = req.query().first("search").orElse("").strip().toLowerCase(Locale.ROOT);
        if (!search.matches("[0-9a-f]{0,64}")) {
            throw field("search", "search must be the start of a key hash (hex)");
        }
        String status = req.query().first("status").orElse("");
        if (!STATUSES.contains(status)) {
            throw field("status", "status must be active, expired or revoked");
        }
        String sort = req.query().first("sort").orElse("created");
        if (!SessionsRepository.SORTS.containsKey(sort)) {
            throw field("sort", "sort must be one of " + String.join(", ", new java.util.TreeSet<>(SessionsRepository.SORTS.keySet())));
        }
        boolean desc = !req.query().first("order").orElse("desc").equals("asc");
        int limit = Http.intParam(req, "limit", 50, 1, 500);
        int offset = Http.intParam(req, "offset", 0, 0, Integer.MAX_VALUE);
        ArrayNode rows = Json.mapper().createArrayNode();
        repo.page(search, status, sort, desc, limit, offset).forEach(r -> rows.add(key(r)));
        DbRow t = repo.totals(search, status);
        ObjectNode body = Json.object().put("total", t.column("n").get(Long.class)).put("limit", limit).put("offset", offset);
        body.putObject("totals").put("balance_msat", num(t, "balance")).put("spent_msat", num(t, "spent"))
                .put("requests", num(t, "requests"));
        body.set("sessions", rows);
        Http.ok(req, res, body);
    }

    private void one(ServerRequest req, ServerResponse res) {
        String hash = hash(req);
        SessionsRepository.Detail d = repo.detail(hash, Http.intParam(req, "recent", 20, 1, 200))
                .orElseThrow(() -> ApiException.notFound("API key not found"));
        DbRow r = d.key();
        ObjectNode body = key(r);
        body.put("spending_limit_msat", r.column("spending_limit_msat").asOptional().map(v -> ((Number) v).longValue()).orElse(null))
                .put("limit_reset", r.column("limit_reset").asOptional().map(String::valueOf).orElse(null))
                .put("refund_address", r.column("refund_address").asOptional().map(String::valueOf).orElse(null));
        ArrayNode recent = body.putArray("recent_requests");
        for (DbRow q : d.recent()) {
            recent.addObject().put("request_id", String.valueOf(q.column("id").get())).put("reserved_msat", num(q, "amount_msat"))
                    .put("cost_msat", q.column("charged_msat").asOptional().map(v -> ((Number) v).longValue()).orElse(null))
                    .put("status", q.column("status").get(String.class)).put("created_at", time(q, "created_at"))
                    .put("finished_at", time(q, "finished_at"))
                    .put("memo", q.column("memo").asOptional().map(String::valueOf).orElse(null))
                    .put("model", q.column("model").asOptional().map(String::valueOf).orElse(null))
                    .put("http_status", optionalLong(q, "http_status")).put("input_tokens", optionalLong(q, "input_tokens"))
                    .put("output_tokens", optionalLong(q, "output_tokens")).put("cached_tokens", optionalLong(q, "cached_tokens"));
        }
        Http.ok(req, res, body);
    }

    private void revoke(ServerRequest req, ServerResponse res) {
        Admin admin = Admin.of(req);
        String hash = hash(req);
        Revoker.Revoked r = revoker.revoke(hash);
        audit.write(admin.actor(), "session.revoke", hash, Json.object().put("status", r.previousStatus()),
                    Json.object().put("status", "revoked").put("forfeited_msat", r.forfeitedMsat()), Http.address(req));
        Http.ok(req, res, Json.object().put("ok", true).put("hashed_key", hash).put("forfeited_msat", r.forfeitedMsat()));
    }

    private static ObjectNode key(DbRow r) {
        return Json.object().put("hashed_key", r.column("key_hash").get(String.class))
                .put("parent_key_hash", r.column("parent_hash").asOptional().map(String::valueOf).orElse(null))
                .put("balance_msat", num(r, "balance_msat")).put("reserved_msat", num(r, "reserved_msat"))
                .put("spent_msat", num(r, "spent_msat")).put("requests", num(r, "requests"))
                .put("status", r.column("status").get(String.class)).put("created_at", time(r, "created_at"))
                .put("expires_at", time(r, "expires_at")).put("valid_until", time(r, "valid_until"));
    }

    private static Long optionalLong(DbRow r, String c) {
        return r.column(c).asOptional().map(v -> ((Number) v).longValue()).orElse(null);
    }

    private static long num(DbRow r, String c) {
        return ((Number) r.column(c).get()).longValue();
    }

    private static String time(DbRow r, String c) {
        return r.column(c).asOptional().map(v -> ((Timestamp) v).toInstant().toString()).orElse(null);
    }

    private static String hash(ServerRequest req) {
        String h = req.path().pathParameters().get("hash").toLowerCase(Locale.ROOT);
        if (!h.matches("[0-9a-f]{64}")) {
            throw field("hash", "a key hash is 64 hex characters");
        }
        return h;
    }

    private static ApiException field(String name, String message) {
        return new ApiException(400, "invalid_request_error", "invalid_" + name, message, java.util.Map.of("field", name));
    }
}
