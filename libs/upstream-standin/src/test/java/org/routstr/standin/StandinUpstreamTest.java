package org.routstr.standin;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.routstr.common.json.Json;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

class StandinUpstreamTest {
    private static StandinUpstream upstream;
    private static HttpClient http;

    @BeforeAll
    static void start() {
        upstream = StandinUpstream.start("127.0.0.1", 0);
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        upstream.close();
    }

    @Test
    void chatReturnsDeterministicTextAndUsage() throws Exception {
        HttpResponse<String> r = post("/v1/chat/completions", """
                {"model":"standin-gpt","messages":[{"role":"user","content":"say hello to me"}]}""", "normal");
        assertThat(r.statusCode(), is(200));
        JsonNode b = Json.mapper().readTree(r.body());
        assertThat(b.at("/choices/0/message/content").asText(), is(Replies.BASE + " say hello to me"));
        assertThat(b.at("/usage/prompt_tokens").asInt(), is(4));
        assertThat(b.at("/usage/completion_tokens").asInt(), is(10));
        assertThat(b.at("/usage/total_tokens").asInt(), is(14));
    }

    @Test
    void streamEndsWithUsageChunkThenDone() throws Exception {
        HttpResponse<String> r = post("/v1/chat/completions", """
                {"model":"standin-gpt","stream":true,"stream_options":{"include_usage":true},"max_tokens":3,
                 "messages":[{"role":"user","content":"one two"}]}""", "normal");
        List<String> data = r.body().lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
        assertThat(data.getLast(), is("[DONE]"));
        JsonNode usage = Json.mapper().readTree(data.get(data.size() - 2));
        assertThat(usage.path("choices").size(), is(0));
        assertThat(usage.at("/usage/prompt_tokens").asInt(), is(2));
        assertThat(usage.at("/usage/completion_tokens").asInt(), is(3));
        assertThat(r.body(), containsString(": OPENROUTER PROCESSING"));
    }

    @Test
    void noUsageModeOmitsUsage() throws Exception {
        HttpResponse<String> r = post("/v1/chat/completions", """
                {"model":"standin-gpt","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"x"}]}""",
                                      "no-usage");
        assertThat(r.body().contains("\"usage\":{"), is(false));
    }

    @Test
    void failureModes() throws Exception {
        String body = "{\"model\":\"standin-gpt\",\"messages\":[]}";
        assertThat(post("/v1/chat/completions", body, "fail500").statusCode(), is(500));
        HttpResponse<String> limited = post("/v1/chat/completions", body, "fail429");
        assertThat(limited.statusCode(), is(429));
        assertThat(limited.headers().firstValue("retry-after").orElseThrow(), is("1"));
        assertThat(post("/v1/chat/completions", body, "fail400").statusCode(), is(400));
    }

    @Test
    void slowStreamSpreadsChunksOverTime() throws Exception {
        long t0 = System.nanoTime();
        HttpRequest req = HttpRequest.newBuilder(URI.create(upstream.url() + "/v1/chat/completions"))
                .header("x-standin-mode", "slow").header("x-standin-delay-ms", "20")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"stream\":true,\"messages\":[]}")).build();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode(), is(200));
        assertThat((System.nanoTime() - t0) / 1_000_000 >= 20L * 8, is(true));
    }

    @Test
    void embeddingsResponsesAndAudio() throws Exception {
        JsonNode e = Json.mapper().readTree(post("/v1/embeddings", """
                {"model":"standin-embed","input":["a b","c"]}""", "normal").body());
        assertThat(e.path("data").size(), is(2));
        assertThat(e.at("/usage/prompt_tokens").asInt(), is(3));

        String stream = post("/v1/responses", """
                {"model":"standin-gpt","stream":true,"input":"hi there"}""", "normal").body();
        assertThat(stream, containsString("event: response.completed"));
        assertThat(stream, containsString("\"input_tokens\":2"));

        String boundary = "b0undary";
        String multipart = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1\r\n--" + boundary
                           + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n\r\n" + "x".repeat(5000)
                           + "\r\n--" + boundary + "--\r\n";
        HttpResponse<String> a = http.send(HttpRequest.newBuilder(URI.create(upstream.url() + "/v1/audio/transcriptions"))
                                                   .header("content-type", "multipart/form-data; boundary=" + boundary)
                                                   .POST(HttpRequest.BodyPublishers.ofString(multipart)).build(),
                                           HttpResponse.BodyHandlers.ofString());
        assertThat(a.statusCode(), is(200));
        assertThat(a.body(), containsString("transcription of " + multipart.length() + " bytes"));
        assertThat(upstream.requests("/v1/audio/transcriptions"), greaterThan(0L));
    }

    private static HttpResponse<String> post(String path, String body, String mode) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(upstream.url() + path))
                .header("content-type", "application/json").header("x-standin-mode", mode)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(req, HttpResponse.BodyHandlers.ofString());
    }
}
