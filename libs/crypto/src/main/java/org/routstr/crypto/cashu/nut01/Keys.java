package org.routstr.crypto.cashu.nut01;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.routstr.crypto.cashu.CashuException;
import org.routstr.crypto.cashu.CashuJson;

/**
 * Lenient JSON reading and writing of NUT-01 key sets (amount keys are strings, may exceed {@code Long}).
 *
 * @see <a href="https://github.com/cashubtc/nuts/blob/main/01.md">NUT-01</a>
 */
public final class Keys {
    private Keys() {
    }

    /** Parses a {@code {"keysets":[…]}} body. */
    public static KeysResponse parse(JsonNode body) {
        JsonNode arr = body == null ? null : body.get("keysets");
        if (arr == null || !arr.isArray()) {
            throw new CashuException("keys response lacks 'keysets'");
        }
        List<MintKeyset> out = new ArrayList<>();
        for (JsonNode ks : arr) {
            out.add(parseKeyset(ks));
        }
        return new KeysResponse(out);
    }

    /** Parses one keyset object with its {@code keys} map. */
    public static MintKeyset parseKeyset(JsonNode ks) {
        JsonNode keys = ks.get("keys");
        if (!ks.hasNonNull("id") || keys == null || !keys.isObject()) {
            throw new CashuException("keyset lacks id or keys");
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = keys.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            map.put(e.getKey(), e.getValue().asText());
        }
        JsonNode expiry = ks.get("final_expiry");
        return MintKeyset.fromStringKeys(ks.get("id").asText(), ks.path("unit").asText("sat"),
                ks.path("active").asBoolean(true), ks.path("input_fee_ppk").asLong(0),
                expiry == null || expiry.isNull() ? Optional.empty() : Optional.of(expiry.asLong()), map);
    }

    /** Writes a keyset as the JSON object of {@code GET /v1/keys}. */
    public static ObjectNode toJson(MintKeyset ks) {
        ObjectNode n = CashuJson.mapper().createObjectNode();
        n.put("id", ks.id());
        n.put("unit", ks.unit());
        n.put("active", ks.active());
        n.put("input_fee_ppk", ks.inputFeePpk());
        ks.finalExpiry().ifPresentOrElse(e -> n.put("final_expiry", e), () -> n.putNull("final_expiry"));
        ObjectNode keys = n.putObject("keys");
        for (Map.Entry<BigInteger, String> e : ks.keys().entrySet()) {
            keys.put(e.getKey().toString(), e.getValue());
        }
        return n;
    }
}
