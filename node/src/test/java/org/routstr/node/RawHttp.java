package org.routstr.node;

import java.io.ByteArrayOutputStream;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, so a test can send what {@code java.net.http} refuses to (non-ASCII header bytes, bare
 * line feeds, broken framing). One keep-alive connection; it reconnects after the server closed or the framing was lost.
 */
final class RawHttp implements AutoCloseable {
    private static final int MAX_BODY = 4 << 20;
    private final int port;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    RawHttp(int port) {
        this.port = port;
    }

    /** A response: status (-1 when the server closed without answering), lower-case headers, body. */
    record Reply(int status, Map<String, String> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** Sends the raw request bytes and reads one response (once more on a fresh connection if a kept-alive one was stale). */
    Reply send(byte[] request) throws IOException {
        boolean reused = socket != null;
        try {
            return attempt(request);
        } catch (EOFException e) {
            close();
            if (!reused) {
                return new Reply(-1, Map.of(), new byte[0]);
            }
        }
        try {
            return attempt(request);
        } catch (EOFException e) {
            close();
            return new Reply(-1, Map.of(), new byte[0]);
        }
    }

    /** Sends the bytes on a connection of their own and half-closes it, so a request that lies about its length ends. */
    Reply sendAlone(byte[] request) throws IOException {
        close();
        connect();
        try {
            try {
                out.write(request);
                out.flush();
                socket.shutdownOutput();
            } catch (IOException e) {
                // closed by the server mid-request: read its answer
            }
            return read();
        } catch (EOFException | java.net.SocketException e) {
            return new Reply(-1, Map.of(), new byte[0]);
        } finally {
            close();
        }
    }

    private Reply attempt(byte[] request) throws IOException {
        if (socket == null) {
            connect();
        }
        try {
            out.write(request);
            out.flush();
        } catch (IOException e) {
            // the server may close while a large or malformed request is still being written: its answer can still be read
        }
        Reply r;
        try {
            r = read();
        } catch (EOFException | java.net.SocketException e) {
            throw new EOFException(e.getMessage());
        } catch (IOException e) {
            close();
            throw e;
        }
        if ("close".equalsIgnoreCase(r.headers().getOrDefault("connection", ""))) {
            close();
        }
        return r;
    }

    private void connect() throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(60_000);
        socket.setTcpNoDelay(true);
        in = new BufferedInputStream(socket.getInputStream(), 16384);
        out = socket.getOutputStream();
    }

    private Reply read() throws IOException {
        String status = line();
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP status line: " + status);
        }
        int code = Integer.parseInt(parts[1]);
        Map<String, String> headers = new HashMap<>();
        for (String h = line(); !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            if (colon > 0) {
                headers.merge(h.substring(0, colon).strip().toLowerCase(Locale.ROOT), h.substring(colon + 1).strip(), (a, b) -> a + "," + b);
            }
        }
        byte[] body;
        if (code == 204 || code == 304 || code / 100 == 1) {
            body = new byte[0];
        } else if (headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT).contains("chunked")) {
            body = chunked();
        } else if (headers.containsKey("content-length")) {
            body = exactly(Integer.parseInt(headers.get("content-length")));
        } else {
            body = in.readNBytes(MAX_BODY);
            headers.put("connection", "close");
        }
        return new Reply(code, headers, body);
    }

    private byte[] chunked() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            String size = line();
            int semi = size.indexOf(';');
            int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).strip(), 16);
            if (n == 0) {
                for (String t = line(); !t.isEmpty(); t = line()) {
                    // trailers
                }
                return b.toByteArray();
            }
            if (b.size() + n > MAX_BODY) {
                throw new IOException("body over " + MAX_BODY);
            }
            b.write(exactly(n));
            line();
        }
    }

    private byte[] exactly(int n) throws IOException {
        if (n > MAX_BODY) {
            throw new IOException("body over " + MAX_BODY);
        }
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new EOFException();
        }
        return b;
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException();
            }
            if (c != '\r') {
                b.write(c);
            }
            if (b.size() > 65536) {
                throw new IOException("line too long");
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing a broken connection
            }
            socket = null;
        }
    }
}
