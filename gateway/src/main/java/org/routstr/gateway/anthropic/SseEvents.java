package org.routstr.gateway.anthropic;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.routstr.common.json.Json;

/**
 * Reads the JSON events of an upstream SSE stream as they arrive, until it ends or breaks (a broken stream is billed by
 * what was seen, as in the chat relay); {@code [DONE]} and comments are skipped.
 */
final class SseEvents {
    private static final System.Logger LOG = System.getLogger(SseEvents.class.getName());

    private SseEvents() {
    }

    static void read(InputStream in, java.util.function.Consumer<ObjectNode> handler) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            StringBuilder data = new StringBuilder();
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isEmpty()) {
                    dispatch(data, handler);
                } else if (line.startsWith("data:")) {
                    data.append(data.isEmpty() ? "" : "\n").append(line.substring(line.startsWith("data: ") ? 6 : 5));
                }
            }
            dispatch(data, handler);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "upstream stream broke: " + e);
        }
    }

    private static void dispatch(StringBuilder data, java.util.function.Consumer<ObjectNode> handler) {
        String d = data.toString().trim();
        data.setLength(0);
        if (d.isEmpty() || d.equals("[DONE]")) {
            return;
        }
        parse(d).ifPresent(handler);
    }

    private static Optional<ObjectNode> parse(String d) {
        try {
            JsonNode n = Json.mapper().readTree(d);
            return n instanceof ObjectNode o ? Optional.of(o) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
