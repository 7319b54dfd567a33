package org.routstr.gateway.proxy;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.audio.transcriptions.TranscriptionCreateParams;
import com.openai.models.audio.transcriptions.TranscriptionCreateResponse;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.routstr.common.events.UsageEvent;
import org.routstr.common.keys.ApiKeys;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.gateway.GatewayFixture;
import org.routstr.gateway.UsageEvents;
import org.routstr.standin.Mode;
import org.routstr.testsupport.RealInfra;
import org.routstr.testsupport.TestDb;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/**
 * Audio uploads (multipart): the model is the form field, never text inside the file; the upstream gets its own model id;
 * a failing provider hands the upload to the next one.
 */
@RealInfra
class UploadTest {
    private static final String BOUNDARY = "----routstr-upload-test";
    private static GatewayFixture f;
    private static KafkaSettings kafka;

    @BeforeAll
    static void start(TestDb db, KafkaSettings k) {
        kafka = k;
        f = new GatewayFixture(db, k, Map.of("gateway.providers.0.models.3.aliases.0", "whisper-alias",
                                             "gateway.providers.1.models.3.aliases.0", "whisper-alias"));
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    @Test
    void theModelIsTheFormFieldNotTextInsideTheFile() throws Exception {
        String key = f.fundedKey(100_000_000);
        // the file comes first and carries what looks like a model field; the real field follows it
        String fake = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nstandin-mini\r\n";
        String form = part("file\"; filename=\"a.wav", "RIFF" + fake + "x".repeat(2_000)) + part("model", "whisper-1") + end();
        HttpResponse<String> r = upload(key, form);
        assertThat(r.body(), r.statusCode(), is(200));
        UsageEvent e = UsageEvents.of(kafka, ApiKeys.hash(key), 1, Duration.ofSeconds(20)).getFirst();
        assertThat(e.model(), is("whisper-1"));
        assertThat(e.provider(), is("primary"));
    }

    @Test
    void theUpstreamReceivesItsOwnModelId() throws Exception {
        String key = f.fundedKey(100_000_000);
        String form = part("model", "whisper-alias") + part("file\"; filename=\"a.wav", "RIFF" + "y".repeat(5_000)) + end();
        HttpResponse<String> r = upload(key, form);
        assertThat(r.body(), r.statusCode(), is(200));
        String seen = new String(f.primary.lastRequest().orElseThrow().body(), StandardCharsets.UTF_8);
        assertThat(seen, containsString("name=\"model\"\r\n\r\nwhisper-1\r\n"));
        assertThat(seen, not(containsString("whisper-alias")));
        // the stand-in counts the bytes it got: the form with the shorter upstream id
        assertThat(r.body(), containsString("transcription of " + (form.length() - "whisper-alias".length() + "whisper-1".length()) + " bytes"));
    }

    @Test
    void uploadsFailOverToTheNextProvider() throws Exception {
        String key = f.fundedKey(100_000_000);
        String form = part("model", "whisper-1") + part("file\"; filename=\"a.wav", "RIFF" + "z".repeat(100_000)) + end();
        long backup = f.backup.requests("/v1/audio/transcriptions");
        f.primary.mode(Mode.FAIL500);
        HttpResponse<String> r;
        try {
            r = upload(key, form);
        } finally {
            f.primary.mode(Mode.NORMAL);
        }
        assertThat(r.body(), r.statusCode(), is(200));
        assertThat(r.body(), containsString("transcription of " + form.length() + " bytes"));
        assertThat(f.backup.requests("/v1/audio/transcriptions"), is(backup + 1));
        assertThat(UsageEvents.of(kafka, ApiKeys.hash(key), 1, Duration.ofSeconds(20)).getFirst().provider(), is("backup"));
    }

    @Test
    void theOpenAiSdkTranscribesThroughAnAliasWithAModelLookalikeInTheFile() {
        String key = f.fundedKey(100_000_000);
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(f.url() + "/v1").apiKey(key).maxRetries(0).build();
        byte[] audio = ("RIFF\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nstandin-mini\r\n" + "w".repeat(3_000))
                .getBytes(StandardCharsets.UTF_8);
        TranscriptionCreateResponse t = client.audio().transcriptions().create(TranscriptionCreateParams.builder()
                .file(audio).model("whisper-alias").build());
        assertThat(t.asTranscription().text(), containsString("stand-in transcription of"));
        String seen = new String(f.primary.lastRequest().orElseThrow().body(), StandardCharsets.UTF_8);
        assertThat(seen, containsString("whisper-1"));
        assertThat(seen, not(containsString("whisper-alias")));
        assertThat(UsageEvents.of(kafka, ApiKeys.hash(key), 1, Duration.ofSeconds(20)).getFirst().model(), is("whisper-alias"));
    }

    @Test
    void aFormWithoutModelIs400() throws Exception {
        String key = f.fundedKey(100_000_000);
        HttpResponse<String> r = upload(key, part("file\"; filename=\"a.wav", "name=\"model\"\r\n\r\nwhisper-1\r\n") + end());
        assertThat(r.body(), r.statusCode(), is(400));
        assertThat(r.body(), containsString("missing_model"));
        assertThat(f.available(key), is(100_000_000L));
    }

    private static String part(String name, String content) {
        return "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + content + "\r\n";
    }

    private static String end() {
        return "--" + BOUNDARY + "--\r\n";
    }

    private static HttpResponse<String> upload(String key, String form) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(f.url() + "/v1/audio/transcriptions")).timeout(Duration.ofSeconds(30))
                .header("authorization", "Bearer " + key).header("content-type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        return f.http.send(req, HttpResponse.BodyHandlers.ofString());
    }
}
