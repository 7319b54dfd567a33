package org.routstr.standin;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.routstr.common.json.Json;

/**
 * The Anthropic-shaped routes of the stand-in: {@code POST /v1/messages} (plain and streamed, with a {@code tool_use} answer
 * when tools are offered) and {@code /v1/messages/count_tokens}, with the stand-in's token rule. The system prompt counts
 * as prompt words; {@code x-standin-cached-tokens} moves that many input tokens to {@code cache_read_input_tokens}.
 * A request without {@code x-api-key} or {@code anthropic-version} gets Anthropic's 401/400 error shape; mode
 * {@code fail429} answers 429 with {@code retry-after} and {@code anthropic-ratelimit-*} headers.
 */
final class AnthropicHttpService implements HttpService {
    private final StandinUpstream owner;

    AnthropicHttpService(StandinUpstream owner) {
        this.owner = owner;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/v1/messages", this::messages).post("/v1/messages/count_tokens", this::countTokens);
    }

    private void messages(ServerRequest req, ServerResponse res) {
        Optional<JsonNode> body = begin(req, res);
        if (body.isEmpty()) {
            return;
        }
        JsonNode b = body.get();
        int prompt = promptTokens(b);
        int cached = Math.min(prompt, req.headers().first(StandinHttpService.CACHED).map(Integer::parseInt).orElse(0));
        List<String> words = Replies.replyWords(b);
        Optional<Replies.ToolCall> tool = Replies.toolCall(b);
        int output = tool.isPresent() ? Replies.TOOL_CALL_TOKENS : words.size();
        String stop = tool.isPresent() ? "tool_use" : b.path("max_tokens").asInt(0) == words.size() ? "max_tokens" : "end_turn";
        long seq = owner.requests();
        if (b.path("stream").asBoolean(false)) {
            stream(res, b, seq, prompt - cached, cached, words, tool, stop, output);
            return;
        }
        ObjectNode m = message(b, seq, prompt - cached, cached, output);
        ArrayNode content = m.putArray("content");
        if (tool.isPresent()) {
            content.addObject().put("type", "tool_use").put("id", "toolu_standin_" + seq).put("name", tool.get().name())
                    .set("input", Json.parse(StandinHttpService.utf8(tool.get().arguments())));
        } else {
            content.addObject().put("type", "text").put("text", String.join(" ", words));
        }
        m.put("stop_reason", stop);
        m.putNull("stop_sequence");
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(Json.bytes(m));
    }

    private void stream(ServerResponse res, JsonNode b, long seq, int input, int cached, List<String> words,
                        Optional<Replies.ToolCall> tool, String stop, int output) {
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        ObjectNode start = message(b, seq, input, cached, 1);
        start.putArray("content");
        start.putNull("stop_reason");
        start.putNull("stop_sequence");
        try (OutputStream out = res.outputStream()) {
            event(out, Json.object().put("type", "message_start").set("message", start));
            ObjectNode block = Json.object().put("type", "content_block_start").put("index", 0);
            if (tool.isPresent()) {
                block.putObject("content_block").put("type", "tool_use").put("id", "toolu_standin_" + seq)
                        .put("name", tool.get().name()).putObject("input");
            } else {
                block.putObject("content_block").put("type", "text").put("text", "");
            }
            event(out, block);
            event(out, Json.object().put("type", "ping"));
            List<ObjectNode> deltas = new ArrayList<>();
            if (tool.isPresent()) {
                deltas.add(Json.object().put("type", "input_json_delta").put("partial_json", tool.get().arguments()));
            } else {
                for (int i = 0; i < words.size(); i++) {
                    deltas.add(Json.object().put("type", "text_delta").put("text", (i == 0 ? "" : " ") + words.get(i)));
                }
            }
            for (ObjectNode d : deltas) {
                event(out, Json.object().put("type", "content_block_delta").put("index", 0).set("delta", d));
            }
            event(out, Json.object().put("type", "content_block_stop").put("index", 0));
            ObjectNode md = Json.object().put("type", "message_delta");
            md.putObject("delta").put("stop_reason", stop).putNull("stop_sequence");
            md.putObject("usage").put("output_tokens", output);
            event(out, md);
            event(out, Json.object().put("type", "message_stop"));
        } catch (IOException e) {
            owner.clientGone();
            throw new UncheckedIOException(e);
        }
    }

    private void countTokens(ServerRequest req, ServerResponse res) {
        Optional<JsonNode> body = begin(req, res);
        if (body.isPresent()) {
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(Json.bytes(Json.object().put("input_tokens", promptTokens(body.get()))));
        }
    }

    private Optional<JsonNode> begin(ServerRequest req, ServerResponse res) {
        owner.count(req.path().path());
        byte[] raw = req.content().as(byte[].class);
        Map<String, String> headers = new TreeMap<>();
        req.headers().forEach(h -> headers.put(h.name().toLowerCase(Locale.ROOT), h.values()));
        owner.record(req.path().path(), headers, raw);
        if (!headers.containsKey("x-api-key")) {
            return error(res, 401, "authentication_error", "x-api-key header is required");
        }
        if (!headers.containsKey("anthropic-version")) {
            return error(res, 400, "invalid_request_error", "anthropic-version header is required");
        }
        Mode mode = req.headers().first(StandinHttpService.MODE).flatMap(Mode::parse).orElse(owner.defaultMode());
        if (mode == Mode.FAIL429) {
            res.header(HeaderNames.RETRY_AFTER, "1");
            res.header(HeaderNames.create("anthropic-ratelimit-requests-remaining"), "0");
            return error(res, 429, "rate_limit_error", "Number of requests has exceeded your rate limit (mode fail429).");
        }
        if (mode == Mode.FAIL500) {
            return error(res, 529, "overloaded_error", "Overloaded (mode fail500).");
        }
        JsonNode body = Json.parse(raw);
        if (!body.isObject()) {
            return error(res, 400, "invalid_request_error", "The body must be a JSON object.");
        }
        return Optional.of(body);
    }

    private static ObjectNode message(JsonNode b, long seq, int input, int cached, int output) {
        ObjectNode m = Json.object();
        m.put("id", "msg_standin_" + seq);
        m.put("type", "message");
        m.put("role", "assistant");
        m.put("model", b.path("model").asText());
        m.putObject("usage").put("input_tokens", input).put("cache_creation_input_tokens", 0).put("cache_read_input_tokens", cached)
                .put("output_tokens", output);
        return m;
    }

    private static int promptTokens(JsonNode b) {
        List<String> words = Replies.promptWords(b);
        int system = Replies.promptWords(Json.object().set("prompt", b.path("system"))).size();
        return Math.max(1, words.size() + system);
    }

    private static void event(OutputStream out, ObjectNode e) throws IOException {
        out.write(StandinHttpService.utf8("event: " + e.path("type").asText() + "\ndata: " + Json.string(e) + "\n\n"));
        out.flush();
    }

    private static Optional<JsonNode> error(ServerResponse res, int status, String type, String message) {
        ObjectNode out = Json.object().put("type", "error");
        out.putObject("error").put("type", type).put("message", message);
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(Json.bytes(out));
        return Optional.empty();
    }
}
