package org.routstr.gateway.auth;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.routstr.common.http.ApiException;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The wallet closing a connection before it answers (what a pooled keep-alive connection closed by the wallet looks like
 * when it is reused) costs one more try on a fresh connection, not a 503 to the client; a wallet that keeps doing it is
 * still a 503 {@code wallet_unavailable}. The chaos run saw one such 503 with the wallet up.
 */
class WalletClientRetryTest {

    @Test
    void aConnectionClosedBeforeTheAnswerIsTriedOnceMore() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            AtomicInteger connections = new AtomicInteger();
            Thread.ofVirtual().start(() -> serve(server, connections, 1));
            WalletClient wallet = new WalletClient("http://127.0.0.1:" + server.getLocalPort(), "secret", Duration.ofSeconds(5));
            assertThat(wallet.redeemXCashu("cashuBtoken", "3f1c2a9e-0000-4000-8000-000000000001"), is("ab12"));
            assertThat(connections.get(), is(2));
        }
    }

    @Test
    void aWalletThatKeepsClosingIsUnavailable() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            AtomicInteger connections = new AtomicInteger();
            Thread.ofVirtual().start(() -> serve(server, connections, Integer.MAX_VALUE));
            WalletClient wallet = new WalletClient("http://127.0.0.1:" + server.getLocalPort(), "secret", Duration.ofSeconds(5));
            ApiException e = assertThrows(ApiException.class, () -> wallet.redeemXCashu("cashuBtoken", "rid"));
            assertThat(e.status(), is(503));
            assertThat(e.code(), is("wallet_unavailable"));
            assertThat("one retry, not more", connections.get(), is(2));
        }
    }

    /** Reads each request's head, then closes the first {@code closing} connections without a word and answers the rest. */
    private static void serve(ServerSocket server, AtomicInteger connections, int closing) {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                int n = connections.incrementAndGet();
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                int length = 0;
                for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                    if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
                in.skip(length);
                if (n <= closing) {
                    continue; // closed by the try: no status line at all
                }
                byte[] body = "{\"key_hash\":\"ab12\",\"amount_msat\":1000}".getBytes(StandardCharsets.US_ASCII);
                OutputStream out = s.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: " + body.length
                           + "\r\nconnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
            } catch (java.io.IOException e) {
                return;
            }
        }
    }
}
