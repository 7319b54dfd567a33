package org.routstr.gateway.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

import io.helidon.webserver.ServerConnectionException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.routstr.common.json.Json;
import org.routstr.gateway.pricing.Usage;

/**
 * Copies an SSE stream to the client event by event as it arrives (one flush per upstream read), holding back only the
 * usage event and {@code [DONE]}: at the end the usage event goes out with {@code usage.cost} added, then {@code [DONE]}.
 * A client that leaves is not written to any more, but the upstream is read to its end so its usage is known.
 */
final class SseRelay {
    private static final byte[] USAGE = "\"usage\":{".getBytes(StandardCharsets.UTF_8);
    private static final byte[] USAGE_SPACED = "\"usage\": {".getBytes(StandardCharsets.UTF_8);
    private static final byte[] COMPLETED = "\"type\":\"response.completed\"".getBytes(StandardCharsets.UTF_8);
    private static final byte[] INCOMPLETE = "\"type\":\"response.incomplete\"".getBytes(StandardCharsets.UTF_8);
    private static final byte[] DONE = "data: [DONE]".getBytes(StandardCharsets.UTF_8);
    private final OutputStream out;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private boolean clientGone;
    private boolean sawDone;
    private Optional<String> heldName = Optional.empty();
    private ObjectNode held;

    SseRelay(OutputStream out) {
        this.out = out;
    }

    /** Relays until the upstream ends (or breaks); returns the usage it reported, if any. */
    Optional<Usage> relay(InputStream in) {
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                pending.write(buf, 0, n);
                drainEvents();
                flush();
            }
        } catch (IOException | RuntimeException e) {
            // Helidon reports a dropped upstream connection as various runtime exceptions (for example an incomplete
            // chunk); whichever it is, the stream ends here and is billed by what was seen
            System.getLogger(SseRelay.class.getName()).log(System.Logger.Level.WARNING, "upstream stream broke: " + e);
        }
        if (held == null) {
            return Optional.empty();
        }
        JsonNode u = held.has("response") ? held.path("response").path("usage") : held.path("usage");
        return Usage.of(u);
    }

    /** Sends the held usage event with the cost fields {@code cost} adds (and an X-Cashu change token), then {@code [DONE]}. */
    void finish(Optional<Consumer<ObjectNode>> cost, Optional<String> change, Function<ObjectNode, ObjectNode> rewrite) {
        if (held != null) {
            ObjectNode usage = (ObjectNode) (held.has("response") ? held.path("response").path("usage") : held.path("usage"));
            cost.ifPresent(c -> c.accept(usage));
            change.ifPresent(t -> held.put("x_cashu_change", t));
            write(heldName.map(n -> "event: " + n + "\n").orElse("") + "data: " + Json.string(rewrite.apply(held)) + "\n\n");
        } else if (change.isPresent()) {
            write("data: " + Json.string(Json.object().put("object", "x_cashu.change").put("x_cashu_change", change.get())
                                                 .set("choices", Json.mapper().createArrayNode())) + "\n\n");
        }
        if (sawDone) {
            write("data: [DONE]\n\n");
        }
        flush();
        try {
            out.close();
        } catch (IOException | UncheckedIOException | ServerConnectionException e) {
            clientGone = true;
        }
    }

    boolean clientGone() {
        return clientGone;
    }

    private void drainEvents() {
        byte[] b = pending.toByteArray();
        int start = 0;
        while (true) {
            int end = boundary(b, start);
            if (end < 0) {
                break;
            }
            handle(b, start, end);
            start = end;
        }
        pending.reset();
        pending.write(b, start, b.length - start);
    }

    private void handle(byte[] b, int from, int to) {
        if (indexOf(b, from, to, DONE) >= 0) {
            sawDone = true;
        } else if (indexOf(b, from, to, COMPLETED) >= 0 || indexOf(b, from, to, INCOMPLETE) >= 0
                   || (indexOf(b, from, to, USAGE) >= 0 || indexOf(b, from, to, USAGE_SPACED) >= 0) && held == null) {
            hold(new String(b, from, to - from, StandardCharsets.UTF_8));
        } else {
            writeRaw(b, from, to - from);
        }
    }

    private void hold(String event) {
        StringBuilder data = new StringBuilder();
        Optional<String> name = Optional.empty();
        for (String line : event.split("\r?\n")) {
            if (line.startsWith("data:")) {
                data.append(data.isEmpty() ? "" : "\n").append(line.substring(line.startsWith("data: ") ? 6 : 5));
            } else if (line.startsWith("event:")) {
                name = Optional.of(line.substring(6).trim());
            }
        }
        JsonNode node = Json.parse(data.toString().getBytes(StandardCharsets.UTF_8));
        if (node instanceof ObjectNode o) {
            held = o;
            heldName = name;
        }
    }

    /** The end of the event starting at {@code from} (after its blank line), or -1 when it is not complete yet. */
    private static int boundary(byte[] b, int from) {
        for (int i = from; i < b.length - 1; i++) {
            if (b[i] == '\n' && b[i + 1] == '\n') {
                return i + 2;
            }
            if (b[i] == '\n' && b[i + 1] == '\r' && i + 2 < b.length && b[i + 2] == '\n') {
                return i + 3;
            }
        }
        return -1;
    }

    private static int indexOf(byte[] b, int from, int to, byte[] needle) {
        outer:
        for (int i = from; i <= to - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (b[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private void write(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        writeRaw(b, 0, b.length);
    }

    private void writeRaw(byte[] b, int off, int len) {
        if (clientGone) {
            return;
        }
        try {
            out.write(b, off, len);
        } catch (IOException | UncheckedIOException | ServerConnectionException e) {
            clientGone = true;
        }
    }

    private void flush() {
        if (clientGone) {
            return;
        }
        try {
            out.flush();
        } catch (IOException | UncheckedIOException | ServerConnectionException e) {
            clientGone = true;
        }
    }
}
