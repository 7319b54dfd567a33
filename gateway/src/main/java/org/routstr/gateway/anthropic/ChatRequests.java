package org.routstr.gateway.anthropic;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.routstr.common.json.Json;

/**
 * An Anthropic Messages request as a chat-completions request: the system prompt becomes a system message, text and image
 * blocks become content parts, {@code tool_use} blocks become the assistant's {@code tool_calls} and {@code tool_result}
 * blocks become {@code tool} messages; tools, tool choice, stop sequences and sampling settings carry over, and a stream
 * asks for its usage.
 */
final class ChatRequests {
    private ChatRequests() {
    }

    static byte[] of(ObjectNode m, String upstreamModel) {
        ObjectNode c = Json.object();
        c.put("model", upstreamModel);
        ArrayNode messages = c.putArray("messages");
        String system = text(m.get("system"));
        if (!system.isEmpty()) {
            messages.addObject().put("role", "system").put("content", system);
        }
        for (JsonNode msg : m.path("messages")) {
            add(messages, msg);
        }
        c.set("max_tokens", m.get("max_tokens"));
        for (String f : new String[] {"temperature", "top_p"}) {
            if (m.hasNonNull(f)) {
                c.set(f, m.get(f));
            }
        }
        if (m.path("stop_sequences").isArray() && !m.path("stop_sequences").isEmpty()) {
            c.set("stop", m.get("stop_sequences"));
        }
        if (m.at("/metadata/user_id").isTextual()) {
            c.put("user", m.at("/metadata/user_id").asText());
        }
        tools(m, c);
        if (m.path("stream").asBoolean(false)) {
            c.put("stream", true);
            c.putObject("stream_options").put("include_usage", true);
        }
        return Json.bytes(c);
    }

    private static void add(ArrayNode out, JsonNode msg) {
        String role = msg.path("role").asText("user");
        JsonNode content = msg.path("content");
        if (content.isTextual()) {
            out.addObject().put("role", role).put("content", content.asText());
            return;
        }
        if (role.equals("assistant")) {
            assistant(out, content);
            return;
        }
        ArrayNode parts = Json.mapper().createArrayNode();
        for (JsonNode b : content) {
            switch (b.path("type").asText()) {
                case "text" -> parts.addObject().put("type", "text").put("text", b.path("text").asText());
                case "image" -> image(b.path("source")).ifPresent(url -> parts.addObject().put("type", "image_url")
                        .putObject("image_url").put("url", url));
                case "tool_result" -> out.addObject().put("role", "tool").put("tool_call_id", b.path("tool_use_id").asText())
                        .put("content", (b.path("is_error").asBoolean(false) ? "Error: " : "") + text(b.get("content")));
                default -> {
                    // documents, thinking and server-tool blocks have no chat equivalent here
                }
            }
        }
        if (!parts.isEmpty()) {
            out.addObject().put("role", role).set("content", parts);
        }
    }

    private static void assistant(ArrayNode out, JsonNode content) {
        ObjectNode a = Json.object().put("role", "assistant");
        StringBuilder text = new StringBuilder();
        ArrayNode calls = Json.mapper().createArrayNode();
        for (JsonNode b : content) {
            switch (b.path("type").asText()) {
                case "text" -> text.append(b.path("text").asText());
                case "tool_use" -> {
                    ObjectNode call = calls.addObject().put("id", b.path("id").asText()).put("type", "function");
                    call.putObject("function").put("name", b.path("name").asText())
                            .put("arguments", Json.string(b.path("input").isMissingNode() ? Json.object() : b.path("input")));
                }
                default -> {
                    // thinking blocks are not sent back to a chat upstream
                }
            }
        }
        if (text.isEmpty()) {
            a.putNull("content");
        } else {
            a.put("content", text.toString());
        }
        if (!calls.isEmpty()) {
            a.set("tool_calls", calls);
        }
        out.add(a);
    }

    private static void tools(ObjectNode m, ObjectNode c) {
        ArrayNode tools = Json.mapper().createArrayNode();
        for (JsonNode t : m.path("tools")) {
            if (!t.has("input_schema")) {
                continue; // Anthropic server tools (web search, …) have no schema a chat upstream could call
            }
            ObjectNode f = tools.addObject().put("type", "function").putObject("function");
            f.put("name", t.path("name").asText());
            if (t.hasNonNull("description")) {
                f.put("description", t.path("description").asText());
            }
            f.set("parameters", t.get("input_schema"));
        }
        if (!tools.isEmpty()) {
            c.set("tools", tools);
        }
        JsonNode choice = m.path("tool_choice");
        switch (choice.path("type").asText("")) {
            case "auto" -> c.put("tool_choice", "auto");
            case "any" -> c.put("tool_choice", "required");
            case "none" -> c.put("tool_choice", "none");
            case "tool" -> c.putObject("tool_choice").put("type", "function").putObject("function")
                    .put("name", choice.path("name").asText());
            default -> {
                // no choice given: the upstream's default (auto)
            }
        }
        if (choice.path("disable_parallel_tool_use").asBoolean(false) && !tools.isEmpty()) {
            c.put("parallel_tool_calls", false);
        }
    }

    private static Optional<String> image(JsonNode source) {
        return switch (source.path("type").asText()) {
            case "base64" -> Optional.of("data:" + source.path("media_type").asText("image/png") + ";base64,"
                                                   + source.path("data").asText());
            case "url" -> Optional.of(source.path("url").asText());
            default -> Optional.empty();
        };
    }

    /** The text of a string or of an array of text blocks (joined by blank lines). */
    static String text(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return "";
        }
        if (n.isTextual()) {
            return n.asText();
        }
        StringBuilder s = new StringBuilder();
        for (JsonNode b : n) {
            if (b.path("type").asText().equals("text")) {
                s.append(s.isEmpty() ? "" : "\n\n").append(b.path("text").asText());
            }
        }
        return s.toString();
    }
}
