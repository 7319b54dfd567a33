package org.routstr.standin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.helidon.http.HeaderName;
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
 * The OpenAI-compatible routes of the stand-in: chat, completions, embeddings, images, audio, responses, moderations and
 * models, each with deterministic content and real usage numbers, and the failure modes of {@link Mode}.
 */
final class StandinHttpService implements HttpService {
    static final HeaderName MODE = HeaderNames.create("x-standin-mode");
    static final HeaderName DELAY = HeaderNames.create("x-standin-delay-ms");
    static final HeaderName CACHED = HeaderNames.create("x-standin-cached-tokens");
    private final StandinUpstream owner;

    StandinHttpService(StandinUpstream owner) {
        this.owner = owner;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/v1/chat/completions", this::chat)
                .post("/v1/completions", this::completions)
                .post("/v1/embeddings", this::embeddings)
                .post("/v1/images/generations", this::images)
                .post("/v1/audio/transcriptions", this::audio)
                .post("/v1/audio/translations", this::audio)
                .post("/v1/audio/speech", this::speech)
                .post("/v1/responses", this::responses)
                .post("/v1/moderations", this::moderations)
                .get("/v1/models", this::models);
    }

    private void chat(ServerRequest req, ServerResponse res) {
        Call call = begin(req, res);
        if (call == null) {
            return;
        }
        List<String> words = Replies.replyWords(call.body());
        Optional<Replies.ToolCall> tool = Replies.toolCall(call.body());
        if (call.body().path("stream").asBoolean(false)) {
            if (tool.isPresent()) {
                new SseReply(owner, call, res).toolCall(tool.get());
            } else {
                new SseReply(owner, call, res).chat(words);
            }
            return;
        }
        ObjectNode out = envelope(call, "chatcmpl-", "chat.completion");
        ArrayNode choices = out.putArray("choices");
        int n = Math.max(1, call.body().path("n").asInt(1));
        for (int i = 0; i < n; i++) {
            ObjectNode choice = choices.addObject();
            choice.put("index", i);
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            if (tool.isPresent()) {
                message.putNull("content");
                ObjectNode tc = message.putArray("tool_calls").addObject().put("id", "call_standin_" + call.seq()).put("type", "function");
                tc.putObject("function").put("name", tool.get().name()).put("arguments", tool.get().arguments());
            } else {
                message.put("content", String.join(" ", words));
            }
            message.putNull("refusal");
            choice.putNull("logprobs");
            choice.put("finish_reason", tool.isPresent() ? "tool_calls" : finish(call, words));
        }
        usage(call, out, n * (tool.isPresent() ? Replies.TOOL_CALL_TOKENS : words.size()));
        send(call, res, out);
    }

    private void completions(ServerRequest req, ServerResponse res) {
        Call call = begin(req, res);
        if (call == null) {
            return;
        }
        List<String> words = Replies.replyWords(call.body());
        if (call.body().path("stream").asBoolean(false)) {
            new SseReply(owner, call, res).completion(words);
            return;
        }
        ObjectNode out = envelope(call, "cmpl-", "text_completion");
        ObjectNode choice = out.putArray("choices").addObject();
        choice.put("text", String.join(" ", words));
        choice.put("index", 0);
        choice.putNull("logprobs");
        choice.put("finish_reason", finish(call, words));
        usage(call, out, words.size());
        send(call, res, out);
    }

    private void embeddings(ServerRequest req, ServerResponse res) {
        Call call = begin(req, res);
        if (call == null) {
            return;
        }
        JsonNode input = call.body().path("input");
        int n = input.isArray() ? input.size() : 1;
        ObjectNode out = Json.object();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        for (int i = 0; i < n; i++) {
            ObjectNode e = data.addObject();
            e.put("object", "embedding");
            e.put("index", i);
            ArrayNode v = e.putArray("embedding");
            String text = input.isArray() ? input.get(i).toString() : input.toString();
            for (int d = 0; d < 8; d++) {
                v.add(((text.hashCode() >>> d) & 0xff) / 255.0);
            }
        }
        out.put("model", call.model());
        if (call.mode() != Mode.NO_USAGE) {
            int tokens = Replies.promptTokens(call.body());
            out.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
        }
        send(call, res, out);
    }

    private void images(ServerRequest req, ServerResponse res) {
        Call call = begin(req, res);
        if (call == null) {
            return;
        }
        ObjectNode out = Json.object();
        out.put("created", Instant.now().getEpochSecond());
        ArrayNode data = out.putArray("data");
        int n = Math.max(1, call.body().path("n").asInt(1));
        for (int i = 0; i < n; i++) {
            data.addObject().put("url", "http://127.0.0.1/standin/image-" + i + ".png")
                    .put("revised_prompt", String.join(" ", Replies.promptWords(call.body())));
        }
        send(call, res, out);
    }

    private void audio(ServerRequest req, ServerResponse res) {
        owner.count(req.path().path());
        long bytes = 0;
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        try (InputStream in = req.content().inputStream()) {
            byte[] buf = new byte[16384];
            for (int n; (n = in.read(buf)) > 0; ) {
                bytes += n;
                // the first 64 KiB are kept for lastRequest(): enough to see the form fields of a test upload
                head.write(buf, 0, (int) Math.max(0, Math.min(n, 65_536 - head.size())));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        owner.record(req.path().path(), headers(req), head.toByteArray());
        Call call = begin(req, res, Json.object().put("model", "whisper-1"));
        if (call == null) {
            return;
        }
        ObjectNode out = Json.object();
        out.put("text", "stand-in transcription of " + bytes + " bytes");
        if (call.mode() != Mode.NO_USAGE) {
            out.putObject("usage").put("type", "tokens").put("input_tokens", Replies.uploadTokens(bytes))
                    .put("output_tokens", 5).put("total_tokens", Replies.uploadTokens(bytes) + 5);
        }
        send(call, res, out);
    }

    /** Text to speech: {@code audio/mpeg} bytes (an ID3 tag and the input text), without usage, as OpenAI answers. */
    private void speech(ServerRequest req, ServerResponse res) {
        Call call = begin(req, res);
        if (call == null) {
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, "audio/mpeg");
        res.send(utf8("ID3 stand-in speech: " + call.body().path("input").asText()));
    }

    private void responses(ServerRequest req, ServerResponse res) {
        Call call = begin(req, res);
        if (call == null) {
            return;
        }
        List<String> words = Replies.replyWords(call.body());
        if (call.body().path("stream").asBoolean(false)) {
            new SseReply(owner, call, res).responses(words);
            return;
        }
        send(call, res, SseReply.response(call, words, "completed"));
    }

    private void moderations(ServerRequest req, ServerResponse res) {
        Call call = begin(req, res);
        if (call == null) {
            return;
        }
        ObjectNode out = Json.object();
        out.put("id", "modr-standin-" + owner.requests());
        out.put("model", call.model().isEmpty() ? "omni-moderation-latest" : call.model());
        ObjectNode r = out.putArray("results").addObject();
        r.put("flagged", false);
        r.putObject("categories").put("violence", false);
        r.putObject("category_scores").put("violence", 0.0001);
        send(call, res, out);
    }

    private void models(ServerRequest req, ServerResponse res) {
        owner.count(req.path().path());
        ObjectNode out = Json.object();
        out.put("object", "list");
        for (String id : owner.models()) {
            out.withArray("data").addObject().put("id", id).put("object", "model").put("created", 1_700_000_000)
                    .put("owned_by", "standin");
        }
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(Json.bytes(out));
    }

    private Call begin(ServerRequest req, ServerResponse res) {
        owner.count(req.path().path());
        byte[] raw = req.content().as(byte[].class);
        JsonNode body;
        try {
            body = Json.mapper().readTree(raw);
        } catch (IOException e) {
            error(res, 400, "invalid_request_error", "invalid_json", "We could not parse the JSON body of your request.");
            return null;
        }
        if (body == null || !body.isObject()) {
            error(res, 400, "invalid_request_error", "invalid_json", "The body must be a JSON object.");
            return null;
        }
        owner.record(req.path().path(), headers(req), raw);
        return begin(req, res, body);
    }

    private Call begin(ServerRequest req, ServerResponse res, JsonNode body) {
        Mode mode = req.headers().first(MODE).flatMap(Mode::parse).orElse(owner.defaultMode());
        long delay = req.headers().first(DELAY).map(Long::parseLong).orElse(mode == Mode.HANG ? 60_000L : 100L);
        Call call = new Call(body, body.path("model").asText(""), mode, delay,
                             req.headers().first(CACHED).map(Integer::parseInt).orElse(0), owner.requests());
        switch (mode) {
            case FAIL500 -> error(res, 500, "server_error", "standin_failure", "The stand-in upstream failed (mode fail500).");
            case FAIL429 -> {
                res.header(HeaderNames.RETRY_AFTER, "1");
                res.header(HeaderNames.create("x-ratelimit-remaining-requests"), "0");
                res.header(HeaderNames.create("x-ratelimit-reset-requests"), "1s");
                error(res, 429, "rate_limit_exceeded", "rate_limit_exceeded", "Rate limit reached (mode fail429).");
            }
            case FAIL400 -> error(res, 400, "invalid_request_error", "unsupported_parameter",
                                  "Unsupported parameter: 'temperature' (mode fail400).");
            case HANG -> owner.sleep(delay);
            default -> {
                return call;
            }
        }
        return null;
    }

    private void send(Call call, ServerResponse res, ObjectNode out) {
        byte[] bytes = Json.bytes(out);
        if (call.mode() == Mode.SLOW) {
            owner.sleep(call.delayMs());
        }
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        if (call.mode() == Mode.DISCONNECT) {
            // promise the whole body, deliver half of it, then drop the connection
            res.header(HeaderNames.CONTENT_LENGTH, String.valueOf(bytes.length));
            try {
                OutputStream os = res.outputStream();
                os.write(bytes, 0, bytes.length / 2);
                os.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            throw new UncheckedIOException(new IOException("stand-in disconnect mode"));
        }
        res.send(bytes);
    }

    private ObjectNode envelope(Call call, String idPrefix, String object) {
        ObjectNode out = Json.object();
        out.put("id", idPrefix + "standin-" + call.seq());
        out.put("object", object);
        out.put("created", Instant.now().getEpochSecond());
        out.put("model", call.model());
        out.put("system_fingerprint", "fp_standin");
        return out;
    }

    private static String finish(Call call, List<String> words) {
        return call.body().path("max_tokens").asInt(0) == words.size() ? "length" : "stop";
    }

    static void usage(Call call, ObjectNode out, int completionTokens) {
        if (call.mode() == Mode.NO_USAGE) {
            return;
        }
        int prompt = Replies.promptTokens(call.body());
        int completion = call.mode() == Mode.OVERRUN ? 100 * completionTokens : completionTokens;
        ObjectNode u = out.putObject("usage");
        u.put("prompt_tokens", prompt);
        u.put("completion_tokens", completion);
        u.put("total_tokens", prompt + completion);
        u.putObject("prompt_tokens_details").put("cached_tokens", Math.min(prompt, call.cachedTokens()));
        u.putObject("completion_tokens_details").put("reasoning_tokens", 0);
    }

    private static void error(ServerResponse res, int status, String type, String code, String message) {
        ObjectNode out = Json.object();
        ObjectNode e = out.putObject("error");
        e.put("message", message);
        e.put("type", type);
        e.putNull("param");
        e.put("code", code);
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(Json.bytes(out));
    }

    private static Map<String, String> headers(ServerRequest req) {
        Map<String, String> m = new TreeMap<>();
        req.headers().forEach(h -> m.put(h.name().toLowerCase(Locale.ROOT), h.values()));
        return m;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** One parsed request: its body, requested model, mode, delay, cached-token hint and sequence number. */
    record Call(JsonNode body, String model, Mode mode, long delayMs, int cachedTokens, long seq) {
    }
}
