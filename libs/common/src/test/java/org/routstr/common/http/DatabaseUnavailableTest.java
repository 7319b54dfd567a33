package org.routstr.common.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.routstr.common.db.DbException;
import org.routstr.common.json.Json;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * A database that cannot be reached (no pooled connection in time, connection refused, server restarting) answers 503
 * with Retry-After, the client's request being fine; any other SQL failure stays a 500.
 */
class DatabaseUnavailableTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static WebServer server;

    @BeforeAll
    static void start() {
        HttpRouting.Builder routing = HttpRouting.builder();
        ErrorHandlers.register(routing);
        routing.get("/pool", (req, res) -> {
                    throw new DbException(new SQLTransientConnectionException("wallet - Connection is not available, request timed out"));
                })
                .get("/refused", (req, res) -> {
                    throw new DbException(new SQLException("Connection to 127.0.0.1:5432 refused", "08001"));
                })
                .get("/restarting", (req, res) -> {
                    throw new DbException(new SQLException("terminating connection due to administrator command", "57P01"));
                })
                .get("/closed-by-the-pool", (req, res) -> {
                    throw new DbException(new SQLException("Connection is closed"));
                })
                .get("/bug", (req, res) -> {
                    throw new DbException(new SQLException("syntax error at or near \"SELEC\"", "42601"));
                });
        server = WebServer.builder().host("127.0.0.1").port(0).routing(routing).build().start();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    @Test
    void anUnreachableDatabaseIs503WithRetryAfter() throws Exception {
        for (String path : new String[] {"/pool", "/refused", "/restarting", "/closed-by-the-pool"}) {
            HttpResponse<String> r = get(path);
            assertThat(path, r.statusCode(), is(503));
            assertThat(path, r.headers().firstValue("retry-after").orElse(""), is("1"));
            assertThat(path, Json.mapper().readTree(r.body()).at("/error/code").asText(), is("database_unavailable"));
        }
    }

    @Test
    void anyOtherSqlFailureStaysA500() throws Exception {
        HttpResponse<String> r = get("/bug");
        assertThat(r.statusCode(), is(500));
        assertThat(Json.mapper().readTree(r.body()).at("/error/code").asText(), is("internal_error"));
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).GET().build(),
                         HttpResponse.BodyHandlers.ofString());
    }
}
