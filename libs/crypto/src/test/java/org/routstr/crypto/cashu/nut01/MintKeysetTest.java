package org.routstr.crypto.cashu.nut01;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.routstr.crypto.Vectors;
import org.routstr.crypto.cashu.CashuException;
import org.routstr.crypto.cashu.CashuJson;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MintKeysetTest {
    /** Loaded per test, so a missing vectors folder skips the test instead of failing class initialization. */
    private static JsonNode nut01() {
        return Vectors.json("cashu/json/nut01.json");
    }

    private static Map<String, String> keys(JsonNode v) {
        Map<String, String> m = new LinkedHashMap<>();
        v.get("keys").fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
        return m;
    }

    @Test
    void invalidKeysetsAreRejected() {
        int n = 0;
        for (JsonNode v : nut01().get("invalid_keysets")) {
            assertThrows(CashuException.class,
                    () -> MintKeyset.fromStringKeys("00aa", "sat", true, 0, Optional.empty(), keys(v)), v.get("why").asText());
            n++;
        }
        assertThat(n, is(2));
    }

    @Test
    void validKeysetsParseIncludingTwoToThe63() {
        int n = 0;
        for (JsonNode v : nut01().get("valid_keysets")) {
            MintKeyset ks = MintKeyset.fromStringKeys("00aa", "sat", true, 0, Optional.empty(), keys(v));
            assertThat(ks.keys().size(), is(v.get("keys").size()));
            n++;
        }
        assertThat(n, is(2));
        MintKeyset big = MintKeyset.fromStringKeys("00aa", "sat", true, 0, Optional.empty(), keys(nut01().at("/valid_keysets/1")));
        assertThat(big.keys().lastKey(), is(BigInteger.ONE.shiftLeft(63)));
        assertThat(big.keys().firstKey(), is(BigInteger.ONE));
        assertThat(big.hasAmount(1L << 62), is(true));
    }

    @Test
    void jsonRoundTripKeepsAmountsAbove2to63() {
        MintKeyset big = MintKeyset.fromStringKeys("00aa", "sat", true, 100, Optional.of(5L), keys(nut01().at("/valid_keysets/1")));
        JsonNode json = CashuJson.mapper().createObjectNode().set("keysets",
                CashuJson.mapper().createArrayNode().add(Keys.toJson(big)));
        MintKeyset back = Keys.parse(json).keysets().getFirst();
        assertThat(back, is(big));
        assertThat(json.at("/keysets/0/keys/9223372036854775808").isTextual(), is(true));
    }
}
