package org.routstr.common.http;

import java.lang.System.Logger.Level;

import io.helidon.http.BadRequestException;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.routstr.common.db.DbException;
import org.routstr.common.json.Json;

/**
 * Maps every exception once to the JSON envelope: client mistakes to 4xx with their reason, anything else to a
 * generic 500 whose details stay in the log.
 */
public final class ErrorHandlers {
    private static final System.Logger LOG = System.getLogger(ErrorHandlers.class.getName());

    private ErrorHandlers() {
    }

    /** Registers the handlers on a routing. */
    public static void register(HttpRouting.Builder routing) {
        routing.error(ApiException.class, (req, res, e) -> send(req, res, e.status(), ErrorEnvelope.of(e, RequestIds.of(req, res))))
                .error(Json.BadJson.class, (req, res, e) -> send(req, res, 400,
                        ErrorEnvelope.of(ApiException.badRequest("invalid_json", e.getMessage()), RequestIds.of(req, res))))
                .error(BadRequestException.class, (req, res, e) -> send(req, res, 400,
                        ErrorEnvelope.of(ApiException.badRequest("bad_request", "bad request"), RequestIds.of(req, res))))
                .error(HttpException.class, ErrorHandlers::httpException)
                .error(RuntimeException.class, ErrorHandlers::unexpected);
    }

    /** Sends an API exception directly (for handlers that catch it themselves, for example mid-stream). */
    public static void send(ServerRequest req, ServerResponse res, ApiException e) {
        send(req, res, e.status(), ErrorEnvelope.of(e, RequestIds.of(req, res)));
    }

    private static void httpException(ServerRequest req, ServerResponse res, HttpException e) {
        int status = e.status().code();
        String code = status == 413 ? "request_too_large" : status == 404 ? "not_found" : "http_" + status;
        String message = status >= 500 ? "internal server error" : e.status().reasonPhrase();
        send(req, res, status, ErrorEnvelope.body(message, status >= 500 ? "server_error" : "invalid_request_error", code,
                                                  RequestIds.of(req, res)));
    }

    private static void unexpected(ServerRequest req, ServerResponse res, RuntimeException e) {
        String id = RequestIds.of(req, res);
        if (whileReadingTheRequest(e)) {
            // a chunk size that is not a number or too large: the client's framing, which Helidon reports unchecked
            send(req, res, 400, ErrorEnvelope.of(ApiException.badRequest("bad_request", "malformed request body"), id));
            return;
        }
        if (nulInText(e)) {
            // PostgreSQL text cannot hold U+0000; a Java string only carries one because a client sent it
            send(req, res, 400, ErrorEnvelope.of(ApiException.badRequest("invalid_text", "text must not contain NUL (U+0000) characters"), id));
            return;
        }
        if (e instanceof DbException db && db.unavailable()) {
            // the database is down or every pooled connection is busy: the client may retry, nothing is wrong with its request
            LOG.log(Level.WARNING, "database unavailable request_id=" + id + " path=" + req.path().path() + ": " + e.getMessage());
            res.header(HeaderNames.RETRY_AFTER, "1");
            send(req, res, 503, ErrorEnvelope.body("The node's database is unavailable; retry shortly.", "server_error",
                                                   "database_unavailable", id));
            return;
        }
        LOG.log(Level.ERROR, "unhandled error request_id=" + id + " path=" + req.path().path(), e);
        send(req, res, 500, ErrorEnvelope.body("Internal server error, please contact support with the request ID.",
                                               "server_error", "internal_error", id));
    }

    /** Whether the web server threw this while parsing the client's request entity (its chunked framing). */
    static boolean whileReadingTheRequest(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IllegalArgumentException) {
                for (StackTraceElement f : t.getStackTrace()) {
                    if (f.getClassName().equals("io.helidon.webserver.http1.Http1Connection") && f.getMethodName().equals("readNextChunk")) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Whether PostgreSQL refused a text value for its encoding (SQLSTATE 22021: a NUL character from the client). */
    static boolean nulInText(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLException s && "22021".equals(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static void send(ServerRequest req, ServerResponse res, int status, ObjectNode body) {
        if (res.isSent()) {
            return;
        }
        res.status(Status.create(status));
        res.header(HeaderValues.CONTENT_TYPE_JSON);
        res.send(Json.bytes(body));
    }
}
