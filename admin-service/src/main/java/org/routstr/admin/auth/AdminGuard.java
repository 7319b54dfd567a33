package org.routstr.admin.auth;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import org.routstr.common.http.ApiException;

/**
 * Runs before every {@code /admin/api/*} route but login: 401 without a live session or API token, 403 for a session's
 * state-changing call without its CSRF token (header {@code X-CSRF-Token}), 403 until a one-time password is replaced.
 */
public final class AdminGuard implements HttpService {
    static final String COOKIE = "routstr_admin";
    static final String CSRF_HEADER = "X-CSRF-Token";
    private static final Set<Method> SAFE = Set.of(Method.GET, Method.HEAD, Method.OPTIONS);
    private static final Set<String> OPEN_WHILE_MUST_CHANGE = Set.of("/admin/api/auth/password", "/admin/api/auth/session",
                                                                      "/admin/api/auth/logout");
    private final Authenticator auth;

    public AdminGuard(Authenticator auth) {
        this.auth = auth;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.any("/admin/api/*", this::guard);
    }

    private void guard(ServerRequest req, ServerResponse res) {
        String path = req.path().path();
        if (path.equals("/admin/api/auth/login") || path.equals("/admin/api/auth/nostr")) {
            res.next();
            return;
        }
        Admin admin = caller(req).orElseThrow(() -> new ApiException(401, "invalid_request_error", "unauthorized",
                                                                       "Log in first (session cookie or API token)"));
        if (admin.sessionHash().isPresent() && !SAFE.contains(req.prologue().method())) {
            byte[] given = req.headers().first(HeaderNames.create(CSRF_HEADER)).orElse("").getBytes(StandardCharsets.UTF_8);
            if (!MessageDigest.isEqual(given, admin.csrf().getBytes(StandardCharsets.UTF_8))) {
                throw new ApiException(403, "invalid_request_error", "csrf_failed", "Missing or wrong " + CSRF_HEADER + " header");
            }
        }
        if (admin.mustChangePassword() && !OPEN_WHILE_MUST_CHANGE.contains(path)) {
            throw new ApiException(403, "invalid_request_error", "password_change_required",
                                   "Set a new password first (POST /admin/api/auth/password)");
        }
        req.context().register(admin);
        res.next();
    }

    private Optional<Admin> caller(ServerRequest req) {
        Optional<String> bearer = req.headers().first(HeaderNames.AUTHORIZATION)
                .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7)).map(h -> h.substring(7).strip());
        if (bearer.isPresent()) {
            return auth.token(bearer.get());
        }
        return req.headers().cookies().first(COOKIE).asOptional().flatMap(auth::session);
    }
}
