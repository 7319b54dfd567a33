package org.routstr.admin.auth;

import java.util.Optional;

import io.helidon.common.context.Context;
import io.helidon.webserver.http.ServerRequest;

/**
 * Who is calling the admin API: an operator with a session (cookie + CSRF token) or an API token.
 *
 * @param sessionHash the SHA-256 of the session cookie, empty for a token
 */
public record Admin(String username, Optional<String> sessionHash, String csrf, boolean mustChangePassword) {
    /** The caller the guard put on the request (the guard runs before every protected route). */
    public static Admin of(ServerRequest req) {
        Context ctx = req.context();
        return ctx.get(Admin.class).orElseThrow(() -> new IllegalStateException("no admin on the request"));
    }

    /** The name written to the audit log. */
    public String actor() {
        return sessionHash.isPresent() ? username : "token:" + username;
    }
}
