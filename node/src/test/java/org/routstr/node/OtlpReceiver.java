package org.routstr.node;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

import com.sun.net.httpserver.HttpServer;

/**
 * A loopback OTLP/HTTP trace receiver: keeps every export request's protobuf body. An export carries one service's
 * resource (its {@code service.name} as a string) and its spans' 16-byte trace ids as raw bytes, so a trace is found in
 * the bodies without decoding protobuf.
 */
final class OtlpReceiver implements AutoCloseable {
    private final HttpServer server;
    private final List<byte[]> bodies = new CopyOnWriteArrayList<>();

    private OtlpReceiver(HttpServer server) {
        this.server = server;
    }

    static OtlpReceiver start() throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        OtlpReceiver r = new OtlpReceiver(s);
        s.createContext("/v1/traces", ex -> {
            try (InputStream in = "gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))
                                  ? new GZIPInputStream(ex.getRequestBody()) : ex.getRequestBody()) {
                r.bodies.add(in.readAllBytes());
            }
            ex.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            ex.sendResponseHeaders(200, 0);
            ex.close();
        });
        s.start();
        return r;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces";
    }

    /** Whether {@code service} exported a span holding {@code bytes} (a trace or span id). */
    boolean exported(String service, byte[] bytes) {
        byte[] name = service.getBytes(StandardCharsets.UTF_8);
        for (byte[] b : bodies) {
            if (indexOf(b, name) >= 0 && indexOf(b, bytes) >= 0) {
                return true;
            }
        }
        return false;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
