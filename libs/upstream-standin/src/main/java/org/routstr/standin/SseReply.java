package org.routstr.standin;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.routstr.common.json.Json;
import org.routstr.standin.StandinHttpService.Call;

/**
 * A streamed reply as OpenAI sends it: a keep-alive comment, one event per word, a finish event, the usage event
 * (written in two TCP pieces, as real upstreams sometimes do) when asked for, then {@code data: [DONE]}.
 */
final class SseReply {
    private final StandinUpstream owner;
    private final Call call;
    private final ServerResponse res;
    private OutputStream out;
    private int written;

    SseReply(StandinUpstream owner, Call call, ServerResponse res) {
        this.owner = owner;
        this.call = call;
        this.res = res;
    }

    void chat(List<String> words) {
        boolean usage = call.body().path("stream_options").path("include_usage").asBoolean(false) && call.mode() != Mode.NO_USAGE;
        open();
        comment();
        event(chatChunk(usage).set("choices", Json.mapper().createArrayNode().add(delta("role", "assistant", null))));
        for (int i = 0; i < words.size(); i++) {
            event(chatChunk(usage).set("choices",
                    Json.mapper().createArrayNode().add(delta("content", (i == 0 ? "" : " ") + words.get(i), null))));
        }
        event(chatChunk(usage).set("choices", Json.mapper().createArrayNode().add(delta(null, null, "stop"))));
        if (usage) {
            ObjectNode last = chatChunk(false);
            last.putArray("choices");
            StandinHttpService.usage(call, last, words.size());
            split(last);
        }
        done();
    }

    /** A streamed tool call: the call's id and name, its arguments, {@code finish_reason: tool_calls}, then the usage. */
    void toolCall(Replies.ToolCall tool) {
        boolean usage = call.body().path("stream_options").path("include_usage").asBoolean(false) && call.mode() != Mode.NO_USAGE;
        open();
        event(chatChunk(usage).set("choices", Json.mapper().createArrayNode().add(delta("role", "assistant", null))));
        ObjectNode first = delta(null, null, null);
        ObjectNode tc = first.with("delta").putArray("tool_calls").addObject().put("index", 0).put("id", "call_standin_" + call.seq())
                .put("type", "function");
        tc.putObject("function").put("name", tool.name()).put("arguments", "");
        event(chatChunk(usage).set("choices", Json.mapper().createArrayNode().add(first)));
        ObjectNode args = delta(null, null, null);
        args.with("delta").putArray("tool_calls").addObject().put("index", 0).putObject("function").put("arguments", tool.arguments());
        event(chatChunk(usage).set("choices", Json.mapper().createArrayNode().add(args)));
        event(chatChunk(usage).set("choices", Json.mapper().createArrayNode().add(delta(null, null, "tool_calls"))));
        if (usage) {
            ObjectNode last = chatChunk(false);
            last.putArray("choices");
            StandinHttpService.usage(call, last, Replies.TOOL_CALL_TOKENS);
            split(last);
        }
        done();
    }

    void completion(List<String> words) {
        boolean usage = call.body().path("stream_options").path("include_usage").asBoolean(false) && call.mode() != Mode.NO_USAGE;
        open();
        for (int i = 0; i < words.size(); i++) {
            ObjectNode c = base("cmpl-", "text_completion");
            c.putArray("choices").addObject().put("text", (i == 0 ? "" : " ") + words.get(i)).put("index", 0)
                    .putNull("logprobs").put("finish_reason", i == words.size() - 1 ? "stop" : null);
            event(c);
        }
        if (usage) {
            ObjectNode last = base("cmpl-", "text_completion");
            last.putArray("choices");
            StandinHttpService.usage(call, last, words.size());
            split(last);
        }
        done();
    }

    void responses(List<String> words) {
        open();
        ObjectNode created = Json.object().put("type", "response.created").put("sequence_number", 0);
        created.set("response", response(call, List.of(), "in_progress"));
        named("response.created", created);
        for (int i = 0; i < words.size(); i++) {
            named("response.output_text.delta", Json.object().put("type", "response.output_text.delta")
                    .put("sequence_number", i + 1).put("item_id", "msg_standin_" + call.seq()).put("output_index", 0)
                    .put("content_index", 0).put("delta", (i == 0 ? "" : " ") + words.get(i)));
        }
        ObjectNode completed = Json.object().put("type", "response.completed").put("sequence_number", words.size() + 1);
        completed.set("response", response(call, words, "completed"));
        named("response.completed", completed);
        close();
    }

    /** A Responses API object; usage is included unless the mode says otherwise. */
    static ObjectNode response(Call call, List<String> words, String status) {
        ObjectNode r = Json.object();
        r.put("id", "resp_standin_" + call.seq());
        r.put("object", "response");
        r.put("created_at", Instant.now().getEpochSecond());
        r.put("status", status);
        r.put("model", call.model());
        ObjectNode msg = r.putArray("output").addObject();
        if (words.isEmpty()) {
            r.withArray("output").removeAll();
        } else {
            msg.put("type", "message").put("id", "msg_standin_" + call.seq()).put("status", "completed").put("role", "assistant");
            msg.putArray("content").addObject().put("type", "output_text").put("text", String.join(" ", words))
                    .putArray("annotations");
        }
        if (call.mode() != Mode.NO_USAGE && "completed".equals(status)) {
            int prompt = Replies.promptTokens(call.body());
            ObjectNode u = r.putObject("usage");
            u.put("input_tokens", prompt);
            u.putObject("input_tokens_details").put("cached_tokens", Math.min(prompt, call.cachedTokens()));
            u.put("output_tokens", words.size());
            u.putObject("output_tokens_details").put("reasoning_tokens", 0);
            u.put("total_tokens", prompt + words.size());
        }
        return r;
    }

    private ObjectNode chatChunk(boolean usageNull) {
        ObjectNode c = base("chatcmpl-", "chat.completion.chunk");
        c.put("system_fingerprint", "fp_standin");
        if (usageNull) {
            c.putNull("usage");
        }
        return c;
    }

    private ObjectNode base(String prefix, String object) {
        ObjectNode c = Json.object();
        c.put("id", prefix + "standin-" + call.seq());
        c.put("object", object);
        c.put("created", Instant.now().getEpochSecond());
        c.put("model", call.model());
        return c;
    }

    private static ObjectNode delta(String field, String value, String finish) {
        ObjectNode choice = Json.object().put("index", 0);
        ObjectNode d = choice.putObject("delta");
        if (field != null) {
            d.put(field, value);
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", finish);
        return choice;
    }

    private void open() {
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        out = res.outputStream();
    }

    private void comment() {
        write(": OPENROUTER PROCESSING\n\n");
    }

    private void event(ObjectNode data) {
        write("data: " + Json.string(data) + "\n\n");
    }

    private void named(String name, ObjectNode data) {
        write("event: " + name + "\ndata: " + Json.string(data) + "\n\n");
    }

    private void split(ObjectNode data) {
        String s = "data: " + Json.string(data) + "\n\n";
        int half = s.length() / 2;
        write(s.substring(0, half));
        write(s.substring(half));
    }

    private void done() {
        write("data: [DONE]\n\n");
        close();
    }

    private void write(String s) {
        if (call.mode() == Mode.SLOW && written > 0) {
            owner.sleep(call.delayMs());
        }
        if (call.mode() == Mode.DISCONNECT && written == 3) {
            // a realistic crash: the upstream goes away mid-stream without a final event
            throw new UncheckedIOException(new IOException("stand-in disconnect mode"));
        }
        try {
            out.write(StandinHttpService.utf8(s));
            out.flush();
            written++;
        } catch (IOException e) {
            owner.clientGone();
            throw new UncheckedIOException(e);
        }
    }

    private void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
