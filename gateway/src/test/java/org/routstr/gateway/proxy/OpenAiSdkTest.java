package org.routstr.gateway.proxy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.UnauthorizedException;
import com.openai.errors.UnexpectedStatusCodeException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.routstr.common.keys.ApiKeys;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.gateway.GatewayFixture;
import org.routstr.testsupport.RealInfra;
import org.routstr.testsupport.TestDb;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The official OpenAI Java SDK as the client: what real applications see.
 */
@RealInfra
class OpenAiSdkTest {
    private static GatewayFixture f;

    @BeforeAll
    static void start(TestDb db, KafkaSettings kafka) {
        f = new GatewayFixture(db, kafka, Map.of());
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    private static OpenAIClient client(String key) {
        return OpenAIOkHttpClient.builder().baseUrl(f.url() + "/v1").apiKey(key).maxRetries(0).build();
    }

    private static ChatCompletionCreateParams params(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("ping from the sdk").build();
    }

    @Test
    void chat() {
        String key = f.fundedKey(10_000_000);
        ChatCompletion cc = client(key).chat().completions().create(params("standin-gpt"));
        assertThat(cc.choices().getFirst().message().content().orElseThrow(),
                   is("This is the stand-in upstream answering ping from the sdk"));
        assertThat(cc.usage().orElseThrow().promptTokens(), is(4L));
        assertThat(cc.model(), is("standin-gpt"));
        // billing settles later; until then the worst case stays reserved
        assertThat(f.ledger.account(ApiKeys.hash(key)).orElseThrow().reservedMsat() > 0, is(true));
    }

    @Test
    void streaming() {
        String key = f.fundedKey(10_000_000);
        StringBuilder text = new StringBuilder();
        List<Long> usage = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client(key).chat().completions().createStreaming(params("standin-gpt"))) {
            s.stream().forEach(ch -> {
                ch.choices().forEach(c -> c.delta().content().ifPresent(text::append));
                ch.usage().ifPresent(u -> usage.add(u.completionTokens()));
            });
        }
        assertThat(text.toString(), is("This is the stand-in upstream answering ping from the sdk"));
        assertThat(usage, is(List.of(10L)));
    }

    @Test
    void embeddingsAndModels() {
        String key = f.fundedKey(10_000_000);
        CreateEmbeddingResponse e = client(key).embeddings().create(
                EmbeddingCreateParams.builder().model("standin-embed").input("hello embeddings").build());
        assertThat(e.data().size(), is(1));
        assertThat(e.usage().promptTokens(), is(2L));
        List<String> ids = client(key).models().list().data().stream().map(Model::id).toList();
        assertThat(ids, hasItem("standin-gpt"));
    }

    @Test
    void errorsMapToTheSdkExceptionTypes() {
        UnauthorizedException unknown = assertThrows(UnauthorizedException.class,
                                                     () -> client(ApiKeys.newKey()).chat().completions().create(params("standin-gpt")));
        assertThat(unknown.statusCode(), is(401));
        UnexpectedStatusCodeException poor = assertThrows(UnexpectedStatusCodeException.class,
                                                          () -> client(f.fundedKey(1)).chat().completions().create(params("standin-gpt")));
        assertThat(poor.statusCode(), is(402));
        assertThat(poor.getMessage(), containsString("Insufficient balance"));
        BadRequestException model = assertThrows(BadRequestException.class,
                                                 () -> client(f.fundedKey(10_000_000)).chat().completions().create(params("no-such")));
        assertThat(model.statusCode(), is(400));
    }
}
