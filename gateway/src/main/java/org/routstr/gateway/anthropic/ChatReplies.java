package org.routstr.gateway.anthropic;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.routstr.common.json.Json;
import org.routstr.gateway.pricing.Usage;

/**
 * A chat-completions answer as an Anthropic message: text and tool calls become content blocks, {@code finish_reason}
 * becomes {@code stop_reason}, and the usage is given in Anthropic's terms ({@code input_tokens} without cached tokens).
 */
final class ChatReplies {
    private ChatReplies() {
    }

    static ObjectNode message(JsonNode chat, String model) {
        ObjectNode m = start(chat.path("id").asText("standin"), model);
        ArrayNode content = m.putArray("content");
        JsonNode msg = chat.at("/choices/0/message");
        String text = msg.path("content").asText("");
        if (!text.isEmpty()) {
            content.addObject().put("type", "text").put("text", text);
        }
        for (JsonNode call : msg.path("tool_calls")) {
            ObjectNode b = content.addObject().put("type", "tool_use").put("id", call.path("id").asText())
                    .put("name", call.at("/function/name").asText());
            b.set("input", arguments(call.at("/function/arguments").asText("")));
        }
        m.put("stop_reason", stopReason(chat.at("/choices/0/finish_reason").asText("stop")));
        m.putNull("stop_sequence");
        m.set("usage", usage(Usage.of(chat.get("usage")).orElse(new Usage(0, 0, 0, 0))));
        return m;
    }

    /** A message without content, stop reason or usage yet (a stream's {@code message_start} uses it too). */
    static ObjectNode start(String chatId, String model) {
        ObjectNode m = Json.object();
        m.put("id", chatId.startsWith("msg_") ? chatId : "msg_" + chatId);
        m.put("type", "message");
        m.put("role", "assistant");
        m.put("model", model);
        return m;
    }

    static String stopReason(String finish) {
        return switch (finish) {
            case "length" -> "max_tokens";
            case "tool_calls", "function_call" -> "tool_use";
            case "content_filter" -> "refusal";
            default -> "end_turn";
        };
    }

    static ObjectNode usage(Usage u) {
        return Json.object().put("input_tokens", u.input()).put("output_tokens", u.output())
                .put("cache_read_input_tokens", u.cached()).put("cache_creation_input_tokens", u.cacheWrite());
    }

    /** A tool call's arguments as the {@code input} object; unparsable arguments become an empty object. */
    static JsonNode arguments(String json) {
        if (json.isBlank()) {
            return Json.object();
        }
        try {
            JsonNode n = Json.mapper().readTree(json);
            return n != null && n.isObject() ? n : Json.object();
        } catch (IOException e) {
            return Json.object();
        }
    }
}
