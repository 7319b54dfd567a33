package org.routstr.standin;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The stand-in's deterministic text and token rule: a token is a whitespace-separated word of text content (at least one
 * per request); the reply is {@value #BASE} followed by the prompt's first words, cut to {@code max_tokens} words.
 */
final class Replies {
    static final String BASE = "This is the stand-in upstream answering";
    private static final int ECHO_WORDS = 6;

    private Replies() {
    }

    /** Words of all text found in a chat {@code messages}, a {@code prompt}, or a Responses {@code input}. */
    static List<String> promptWords(JsonNode body) {
        List<String> words = new ArrayList<>();
        collect(body.path("messages"), words);
        collect(body.path("prompt"), words);
        collect(body.path("input"), words);
        collect(body.path("instructions"), words);
        return words;
    }

    /** The prompt token count: the number of words, at least 1. */
    static int promptTokens(JsonNode body) {
        return Math.max(1, promptWords(body).size());
    }

    /** The reply's words, at most {@code max_tokens} / {@code max_completion_tokens} / {@code max_output_tokens}. */
    static List<String> replyWords(JsonNode body) {
        List<String> words = new ArrayList<>(List.of(BASE.split(" ")));
        List<String> prompt = promptWords(body);
        words.addAll(prompt.subList(0, Math.min(ECHO_WORDS, prompt.size())));
        int max = limit(body);
        return max > 0 && max < words.size() ? words.subList(0, max) : words;
    }

    /**
     * The tool call the stand-in answers with when a request offers tools and its last message is not a tool result: the
     * first tool, with {@code {"query": "<first two prompt words>"}}; it counts {@value #TOOL_CALL_TOKENS} output tokens.
     */
    static Optional<ToolCall> toolCall(JsonNode body) {
        JsonNode tools = body.path("tools");
        JsonNode messages = body.path("messages");
        JsonNode last = messages.isArray() && !messages.isEmpty() ? messages.get(messages.size() - 1) : null;
        boolean answered = last != null && ("tool".equals(last.path("role").asText())
                                            || last.path("content").isArray() && last.path("content").findValue("tool_use_id") != null);
        if (!tools.isArray() || tools.isEmpty() || answered) {
            return Optional.empty();
        }
        JsonNode t = tools.get(0);
        String name = t.has("function") ? t.at("/function/name").asText() : t.path("name").asText();
        List<String> prompt = promptWords(body);
        String query = String.join(" ", prompt.subList(0, Math.min(2, prompt.size())));
        return Optional.of(new ToolCall(name, "{\"query\":\"" + query.replace("\"", "") + "\"}"));
    }

    static final int TOOL_CALL_TOKENS = 5;

    /** A tool to call with its JSON arguments. */
    record ToolCall(String name, String arguments) {
    }

    /** Input tokens of an uploaded file: one per started 1,000 bytes, at least 1. */
    static int uploadTokens(long bytes) {
        return (int) Math.max(1, (bytes + 999) / 1000);
    }

    private static int limit(JsonNode body) {
        for (String f : new String[] {"max_tokens", "max_completion_tokens", "max_output_tokens"}) {
            if (body.path(f).canConvertToInt()) {
                return body.path(f).asInt();
            }
        }
        return 0;
    }

    private static void collect(JsonNode node, List<String> words) {
        if (node.isTextual()) {
            for (String w : node.asText().trim().split("\\s+")) {
                if (!w.isEmpty()) {
                    words.add(w);
                }
            }
        } else if (node.isArray()) {
            node.forEach(n -> collect(n, words));
        } else if (node.isObject()) {
            collect(node.path("content"), words);
            collect(node.path("text"), words);
        }
    }
}
