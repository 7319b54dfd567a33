package org.routstr.crypto.cashu.nut02;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.routstr.crypto.Vectors;
import org.routstr.crypto.cashu.CashuException;
import org.routstr.crypto.cashu.nut00.Proof;
import org.routstr.crypto.cashu.nut01.MintKeyset;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

class KeysetIdTest {
    /** Loaded per test, so a missing vectors folder skips the test instead of failing class initialization. */
    private static JsonNode nut02() {
        return Vectors.json("cashu/json/nut02.json");
    }

    private static TreeMap<BigInteger, String> keys(JsonNode v) {
        TreeMap<BigInteger, String> m = new TreeMap<>();
        v.get("keys").fields().forEachRemaining(e -> m.put(new BigInteger(e.getKey()), e.getValue().asText()));
        return m;
    }

    @Test
    void v1Vectors() {
        int n = 0;
        for (JsonNode v : nut02().at("/v1/vectors")) {
            assertThat(KeysetId.v1(keys(v)), is(v.get("id").asText()));
            n++;
        }
        assertThat(n, is(2));
    }

    @Test
    void v2Vectors() {
        int n = 0;
        for (JsonNode v : nut02().at("/v2/vectors")) {
            long expiry = v.get("final_expiry").isNull() ? 0 : v.get("final_expiry").asLong();
            String id = KeysetId.v2(keys(v), v.get("unit").asText(), v.get("input_fee_ppk").asLong(), expiry);
            assertThat(id, is(v.get("id").asText()));
            MintKeyset ks = new MintKeyset(id, v.get("unit").asText(), true, v.get("input_fee_ppk").asLong(),
                    expiry == 0 ? Optional.empty() : Optional.of(expiry), keys(v));
            assertThat(ks.idMatchesKeys(), is(true));
            n++;
        }
        assertThat(n, is(3));
    }

    @Test
    void feeExamples() {
        int n = 0;
        for (JsonNode v : nut02().get("fee_examples")) {
            long ppk = v.get("input_fee_ppk").asLong();
            int count = v.get("n_inputs").asInt();
            assertThat(Fees.inputFee(count, ppk), is(v.get("fee").asLong()));
            List<Proof> proofs = java.util.stream.IntStream.range(0, count)
                    .mapToObj(i -> new Proof(1, "00aa", "s" + i, "02aa")).toList();
            assertThat(Fees.inputFee(proofs, id -> ppk), is(v.get("fee").asLong()));
            n++;
        }
        assertThat(n, is(4));
    }

    @Test
    void shortIdResolution() {
        String full = "015ba18a8adcd02e715a58358eb618da4a4b3791151a4bee5e968bb88406ccf76a";
        List<String> known = List.of(full, "012fbb01a4e200c76df911eeba3b8fe1831202914b24664f4bccbd25852a6708f8");
        assertThat(KeysetId.resolve(full.substring(0, 16), known), is(full));
        assertThat(KeysetId.resolve(full, known), is(full));
        assertThrows(CashuException.class, () -> KeysetId.resolve("01ffffffffffffff", known));
        assertThrows(CashuException.class, () -> KeysetId.resolve("015ba18a8adcd02e",
                List.of(full, "015ba18a8adcd02e" + "00".repeat(25))));
    }
}
