package org.routstr.gateway.info;

import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.routstr.common.events.UsageEvent;
import org.routstr.common.json.Json;
import org.routstr.common.keys.ApiKeys;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.gateway.GatewayFixture;
import org.routstr.gateway.UsageEvents;
import org.routstr.testsupport.RealInfra;
import org.routstr.testsupport.TestDb;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

/**
 * {@code /v1/models} carries the reference's fields, with {@code sats_pricing} from the billing formula (the fixture's
 * $30/$60 per 1M, fees 1.1055, BTC $100,000), and {@code /v1/models/paths} lists every provider of a model.
 */
@RealInfra
class ModelsTest {
    private static GatewayFixture f;
    private static KafkaSettings broker;

    @BeforeAll
    static void start(TestDb db, KafkaSettings kafka) {
        broker = kafka;
        f = new GatewayFixture(db, kafka, Map.of(
                "gateway.providers.0.models.0.description", "The stand-in's chat model",
                "gateway.providers.0.models.0.architecture.modality", "text+image->text",
                "gateway.providers.0.models.0.architecture.input-modalities.0", "text",
                "gateway.providers.0.models.0.architecture.input-modalities.1", "image"));
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    private static JsonNode model(String id) throws Exception {
        for (JsonNode m : Json.mapper().readTree(f.get("/v1/models").body()).path("data")) {
            if (m.path("id").asText().equals(id)) {
                return m;
            }
        }
        throw new AssertionError(id + " not listed");
    }

    private static BigDecimal sats(long msat) {
        return BigDecimal.valueOf(msat).divide(BigDecimal.valueOf(1000));
    }

    @Test
    void satsPricingAndTheReferenceFields() throws Exception {
        JsonNode m = model("standin-gpt");
        JsonNode s = m.path("sats_pricing");
        assertThat(s.path("prompt").decimalValue(), is(new BigDecimal("0.033165")));
        assertThat(s.path("completion").decimalValue(), is(new BigDecimal("0.06633")));
        assertThat(s.path("input_cache_read").decimalValue(), is(new BigDecimal("0.0165825")));
        assertThat(s.has("input_cache_write"), is(false)); // not configured
        assertThat(m.path("pricing").has("input_cache_write"), is(false));
        assertThat(s.path("request").decimalValue().signum(), is(0));
        assertThat(s.path("web_search").asInt(), is(0));
        assertThat(s.path("internal_reasoning").asInt(), is(0));
        assertThat(s.path("max_prompt_cost").decimalValue(), is(sats(GatewayFixture.msat(8000, "30"))));
        assertThat(s.path("max_completion_cost").decimalValue(), is(sats(GatewayFixture.msat(1000, "60"))));
        long maxMsat = GatewayFixture.msat(8000, "30") + GatewayFixture.msat(1000, "60");
        assertThat(s.path("max_cost").decimalValue(), is(sats(maxMsat)));
        assertThat(m.path("pricing").path("prompt").asText(), is("0.000033165"));
        assertThat(m.path("pricing").path("max_cost").decimalValue(), is(new BigDecimal("0.33165")));
        assertThat(m.path("context_length").asInt(), is(8000));
        assertThat(m.at("/top_provider/max_completion_tokens").asInt(), is(1000));
        assertThat(m.at("/per_request_limits/completion_tokens").asInt(), is(1000));
        assertThat(m.path("description").asText(), is("The stand-in's chat model"));
        assertThat(m.at("/architecture/modality").asText(), is("text+image->text"));
        assertThat(m.at("/architecture/input_modalities/1").asText(), is("image"));
        assertThat(model("standin-mini").at("/architecture/modality").asText(), is("text->text"));
        assertThat(model("whisper-1").at("/sats_pricing/request").decimalValue(), is(new BigDecimal("6.633")));
        assertThat(model("standin-image").at("/sats_pricing/image").decimalValue(), is(new BigDecimal("44.22")));

        // a client holding max_cost can pay for the largest request: the reservation never exceeds it
        String key = f.fundedKey(maxMsat);
        String big = "word ".repeat(30_000);
        var r = f.post("/v1/chat/completions", key, "{\"model\":\"standin-gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"" + big + "\"}]}");
        assertThat(r.body(), r.statusCode(), is(200));
        List<UsageEvent> events = UsageEvents.of(broker, ApiKeys.hash(key), 1, Duration.ofSeconds(20));
        assertThat(events.getFirst().reservedMsat(), lessThanOrEqualTo(maxMsat));
    }

    @Test
    void pathsListEveryProvider() throws Exception {
        JsonNode all = Json.mapper().readTree(f.get("/v1/models/paths").body());
        assertThat(all.path("updated_at").asLong() > 0, is(true));
        JsonNode one = Json.mapper().readTree(f.get("/v1/models/paths/model?model_id=standin-gpt").body());
        JsonNode paths = one.at("/data/0/paths");
        assertThat(one.at("/data/0/id").asText(), is("standin-gpt"));
        assertThat(paths.size(), is(2));
        assertThat(paths.findValuesAsText("slug"), is(List.of("primary", "backup")));
        assertThat(paths.get(0).at("/provider/type").asText(), is("openai"));
        assertThat(paths.get(0).path("endpoint").isNull(), is(true));
        String path = URLDecoder.decode(paths.get(0).path("path").asText(), StandardCharsets.UTF_8);
        assertThat(path.startsWith("url=http://localhost&provider-id="), is(true));
        assertThat(path.endsWith("&model-id=standin-gpt"), is(true));
        assertThat(f.get("/v1/models/paths/model?model_id=nope").statusCode(), is(404));
    }
}
