package org.routstr.gateway.anthropic;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import io.helidon.webserver.ServerConnectionException;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.routstr.common.json.Json;

/**
 * Writes Anthropic stream events to the client, one flush each. The last two, {@code message_delta} (with the final usage,
 * its cost fields and an X-Cashu change token) and {@code message_stop}, go out once the request is metered. A client
 * that left is not written to any more.
 */
final class MessageSink {
    private final OutputStream out;
    private boolean clientGone;

    MessageSink(OutputStream out) {
        this.out = out;
    }

    void event(ObjectNode data) {
        write("event: " + data.path("type").asText() + "\ndata: " + Json.string(data) + "\n\n");
    }

    void finish(ObjectNode messageDelta, Optional<String> change) {
        change.ifPresent(t -> messageDelta.put("x_cashu_change", t));
        event(messageDelta);
        event(Json.object().put("type", "message_stop"));
        try {
            out.close();
        } catch (IOException | UncheckedIOException | ServerConnectionException e) {
            clientGone = true;
        }
    }

    private void write(String s) {
        if (clientGone) {
            return;
        }
        try {
            out.write(s.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException | UncheckedIOException | ServerConnectionException e) {
            clientGone = true;
        }
    }
}
