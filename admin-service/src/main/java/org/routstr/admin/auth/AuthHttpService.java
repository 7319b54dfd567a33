package org.routstr.admin.auth;

import java.util.Map;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.routstr.admin.Http;
import org.routstr.admin.audit.AuditLog;
import org.routstr.common.http.ApiException;
import org.routstr.common.json.Json;

/**
 * {@code /admin/api/auth}: login (password, or NIP-98 for the admin npub) and logout, the current session (with its CSRF
 * token), password change, API tokens.
 */
public final class AuthHttpService implements HttpService {
    private final Authenticator auth;
    private final AuditLog audit;

    public AuthHttpService(Authenticator auth, AuditLog audit) {
        this.auth = auth;
        this.audit = audit;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/login", this::login)
                .post("/nostr", this::nostrLogin)
                .post("/logout", this::logout)
                .get("/session", this::session)
                .post("/password", this::password)
                .get("/tokens", this::tokens)
                .post("/tokens", this::createToken)
                .delete("/tokens/{id}", this::revokeToken);
    }

    private void login(ServerRequest req, ServerResponse res) {
        ObjectNode body = Http.body(req);
        String user = body.path("username").asText(Authenticator.OWNER);
        Authenticator.Login l = auth.login(user, Http.text(body, "password"), Http.address(req));
        res.header(HeaderNames.SET_COOKIE, AdminGuard.COOKIE + "=" + l.cookie() + "; Path=/admin; HttpOnly; SameSite=Strict"
                                           + (auth.secureCookie() ? "; Secure" : ""));
        audit.write(user, "auth.login", user, null, null, Http.address(req));
        Http.ok(req, res, Json.object().put("ok", true).put("csrf_token", l.csrf()).put("must_change_password", l.mustChangePassword()));
    }

    /** NIP-98: {@code Authorization: Nostr <base64 event>} signed by {@code admin.auth.nostr-npub}; answers like a login. */
    private void nostrLogin(ServerRequest req, ServerResponse res) {
        String header = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        Authenticator.Login l = auth.nostrLogin(header, req.prologue().method().text(), req.path().absolute().path());
        res.header(HeaderNames.SET_COOKIE, AdminGuard.COOKIE + "=" + l.cookie() + "; Path=/admin; HttpOnly; SameSite=Strict"
                                           + (auth.secureCookie() ? "; Secure" : ""));
        audit.write(Authenticator.OWNER, "auth.login.nostr", Authenticator.OWNER, null, null, Http.address(req));
        Http.ok(req, res, Json.object().put("ok", true).put("csrf_token", l.csrf()).put("must_change_password", l.mustChangePassword()));
    }

    private void logout(ServerRequest req, ServerResponse res) {
        Admin a = Admin.of(req);
        auth.logout(a);
        res.header(HeaderNames.SET_COOKIE, AdminGuard.COOKIE + "=; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=0");
        audit.write(a.actor(), "auth.logout", a.username(), null, null, Http.address(req));
        Http.ok(req, res, Json.object().put("ok", true));
    }

    private void session(ServerRequest req, ServerResponse res) {
        Admin a = Admin.of(req);
        Http.ok(req, res, Json.object().put("username", a.username()).put("csrf_token", a.csrf())
                .put("must_change_password", a.mustChangePassword()));
    }

    private void password(ServerRequest req, ServerResponse res) {
        Admin a = Admin.of(req);
        if (a.sessionHash().isEmpty()) {
            throw new ApiException(403, "invalid_request_error", "session_required", "Change the password from a logged-in session");
        }
        ObjectNode body = Http.body(req);
        auth.changePassword(a, Http.text(body, "current_password"), Http.text(body, "new_password"));
        audit.write(a.actor(), "auth.password", a.username(), null, null, Http.address(req));
        Http.ok(req, res, Json.object().put("ok", true));
    }

    private void tokens(ServerRequest req, ServerResponse res) {
        ArrayNode out = Json.mapper().createArrayNode();
        auth.repository().tokens().forEach(r -> out.addObject().put("id", r.column("id").get(Long.class))
                .put("name", r.column("name").get(String.class)).put("token_preview", r.column("preview").get(String.class))
                .put("created_by", r.column("created_by").get(String.class))
                .put("created_at", String.valueOf(r.column("created_at").get()))
                .put("last_used_at", r.column("last_used_at").asOptional().map(String::valueOf).orElse(null))
                .put("expires_at", r.column("expires_at").asOptional().map(String::valueOf).orElse(null)));
        Http.ok(req, res, Json.object().set("tokens", out));
    }

    private void createToken(ServerRequest req, ServerResponse res) {
        Admin a = Admin.of(req);
        ObjectNode body = Http.body(req);
        String name = Http.text(body, "name");
        int days = body.path("expires_in_days").asInt(0);
        if (days < 0 || days > 3650) {
            throw new ApiException(400, "invalid_request_error", "invalid_expires_in_days", "expires_in_days must be 0 to 3650",
                                   Map.of("field", "expires_in_days"));
        }
        String token = auth.createToken(a, name, days);
        audit.write(a.actor(), "token.create", name, null, Json.object().put("expires_in_days", days), Http.address(req));
        Http.send(req, res, 201, Json.object().put("name", name).put("token", token));
    }

    private void revokeToken(ServerRequest req, ServerResponse res) {
        Admin a = Admin.of(req);
        long id;
        try {
            id = Long.parseLong(req.path().pathParameters().get("id"));
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid_id", "id must be a number");
        }
        if (!auth.repository().revokeToken(id)) {
            throw ApiException.notFound("API token not found");
        }
        audit.write(a.actor(), "token.revoke", String.valueOf(id), null, null, Http.address(req));
        Http.ok(req, res, Json.object().put("ok", true));
    }
}
