package org.routstr.gateway.anthropic;

import java.io.InputStream;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.routstr.common.json.Json;
import org.routstr.gateway.pricing.Usage;

/**
 * Relays an Anthropic provider's stream event by event, with the public model id in {@code message_start}; the usage of
 * {@code message_start} and {@code message_delta} is merged, and {@code message_delta} is held for {@link MessageSink#finish}.
 */
final class NativeStream {
    private final MessageSink sink;
    private final String model;
    private final ObjectNode usage = Json.object();
    private ObjectNode delta;

    NativeStream(MessageSink sink, String model) {
        this.sink = sink;
        this.model = model;
    }

    Optional<Usage> relay(InputStream in) {
        SseEvents.read(in, this::on);
        return Usage.of(usage);
    }

    /** The held {@code message_delta} with the merged usage (a bare one when the upstream broke off before it). */
    ObjectNode delta() {
        ObjectNode d = delta != null ? delta : Json.object().put("type", "message_delta");
        if (!d.has("delta")) {
            d.putObject("delta").putNull("stop_reason").putNull("stop_sequence");
        }
        d.set("usage", usage.deepCopy());
        return d;
    }

    private void on(ObjectNode e) {
        switch (e.path("type").asText()) {
            case "message_start" -> {
                merge(e.at("/message/usage"));
                if (e.get("message") instanceof ObjectNode m) {
                    m.put("model", model);
                }
                sink.event(e);
            }
            case "message_delta" -> {
                merge(e.path("usage"));
                delta = e;
            }
            case "message_stop" -> {
                // sent by finish, after the delta with the cost
            }
            default -> sink.event(e);
        }
    }

    private void merge(JsonNode u) {
        for (Map.Entry<String, JsonNode> f : u.properties()) {
            if (f.getValue().isNumber() || f.getValue().isObject()) {
                usage.set(f.getKey(), f.getValue());
            }
        }
    }
}
