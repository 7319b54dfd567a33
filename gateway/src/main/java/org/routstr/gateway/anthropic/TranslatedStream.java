package org.routstr.gateway.anthropic;

import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.routstr.common.json.Json;
import org.routstr.gateway.pricing.Usage;

/**
 * Turns a chat-completions stream into Anthropic stream events as it arrives: {@code message_start}, a text block for
 * content deltas, a {@code tool_use} block per tool call (arguments as {@code input_json_delta}), block stops, and at the
 * end a {@code message_delta} with the stop reason and usage for {@link MessageSink#finish}.
 */
final class TranslatedStream {
    private final MessageSink sink;
    private final String model;
    private final Map<Integer, Integer> toolBlocks = new HashMap<>();
    private boolean started;
    private int index = -1;
    private boolean open;
    private boolean textOpen;
    private String finish = "stop";
    private JsonNode chatUsage;

    TranslatedStream(MessageSink sink, String model) {
        this.sink = sink;
        this.model = model;
    }

    Optional<Usage> relay(InputStream in) {
        SseEvents.read(in, this::on);
        start("stream");
        close();
        return Usage.of(chatUsage);
    }

    ObjectNode delta() {
        ObjectNode d = Json.object().put("type", "message_delta");
        d.putObject("delta").put("stop_reason", ChatReplies.stopReason(finish)).putNull("stop_sequence");
        d.set("usage", ChatReplies.usage(Usage.of(chatUsage).orElse(new Usage(0, 0, 0, 0))));
        return d;
    }

    private void on(ObjectNode chunk) {
        start(chunk.path("id").asText("stream"));
        if (chunk.get("usage") instanceof ObjectNode u) {
            chatUsage = u;
        }
        for (JsonNode choice : chunk.path("choices")) {
            JsonNode d = choice.path("delta");
            String text = d.path("content").asText("");
            if (!text.isEmpty()) {
                if (!textOpen) {
                    close();
                    open(Json.object().put("type", "text").put("text", ""));
                    textOpen = true;
                }
                blockDelta(index, Json.object().put("type", "text_delta").put("text", text));
            }
            for (JsonNode tc : d.path("tool_calls")) {
                int k = tc.path("index").asInt(0);
                if (!toolBlocks.containsKey(k)) {
                    close();
                    ObjectNode block = Json.object().put("type", "tool_use").put("id", tc.path("id").asText("toolu_" + k))
                            .put("name", tc.at("/function/name").asText());
                    block.putObject("input");
                    open(block);
                    toolBlocks.put(k, index);
                }
                String args = tc.at("/function/arguments").asText("");
                if (!args.isEmpty()) {
                    blockDelta(toolBlocks.get(k), Json.object().put("type", "input_json_delta").put("partial_json", args));
                }
            }
            if (choice.hasNonNull("finish_reason")) {
                finish = choice.path("finish_reason").asText();
            }
        }
    }

    private void start(String id) {
        if (started) {
            return;
        }
        started = true;
        ObjectNode m = ChatReplies.start(id, model);
        m.putArray("content");
        m.putNull("stop_reason");
        m.putNull("stop_sequence");
        m.putObject("usage").put("input_tokens", 0).put("output_tokens", 0);
        ObjectNode e = Json.object().put("type", "message_start");
        e.set("message", m);
        sink.event(e);
    }

    private void open(ObjectNode block) {
        index++;
        open = true;
        ObjectNode e = Json.object().put("type", "content_block_start").put("index", index);
        e.set("content_block", block);
        sink.event(e);
    }

    private void blockDelta(int i, ObjectNode delta) {
        ObjectNode e = Json.object().put("type", "content_block_delta").put("index", i);
        e.set("delta", delta);
        sink.event(e);
    }

    private void close() {
        if (open) {
            sink.event(Json.object().put("type", "content_block_stop").put("index", index));
            open = false;
            textOpen = false;
        }
    }
}
