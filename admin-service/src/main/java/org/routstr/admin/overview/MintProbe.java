package org.routstr.admin.overview;

import java.time.Duration;

import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.routstr.common.json.Json;

/**
 * Asks a mint for its keysets (NUT-02 {@code GET /v1/keysets}): reachable or not, units, keyset ids and input fees.
 */
final class MintProbe {
    private final WebClient client = WebClient.builder().connectTimeout(Duration.ofSeconds(2)).readTimeout(Duration.ofSeconds(3))
            .build();

    /** {@code {"reachable":…, "keysets":[{id, unit, active, input_fee_ppk}]}} or the error. */
    ObjectNode probe(String mintUrl) {
        ObjectNode out = Json.object();
        try (HttpClientResponse r = client.get(mintUrl + "/v1/keysets").request()) {
            if (r.status().code() != 200) {
                return out.put("reachable", false).put("error", "mint answered " + r.status().code());
            }
            JsonNode body = Json.parse(r.inputStream().readAllBytes());
            var ks = out.put("reachable", true).putArray("keysets");
            for (JsonNode k : body.path("keysets")) {
                ks.addObject().put("id", k.path("id").asText()).put("unit", k.path("unit").asText())
                        .put("active", k.path("active").asBoolean()).put("input_fee_ppk", k.path("input_fee_ppk").asLong(0));
            }
            return out;
        } catch (java.io.IOException | RuntimeException e) {
            return out.put("reachable", false).put("error", "unreachable");
        }
    }
}
