package org.routstr.crypto.cashu.nut13;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.routstr.crypto.Secp256k1;
import org.routstr.crypto.Vectors;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

class DeterministicSecretsTest {
    /** Loaded per test, so a missing vectors folder skips the test instead of failing class initialization. */
    private static JsonNode nut13() {
        return Vectors.json("cashu/json/nut13.json");
    }

    private static byte[] seed() {
        return DeterministicSecrets.seedFromMnemonic(nut13().get("mnemonic").asText(), nut13().get("bip39_passphrase").asText());
    }

    @Test
    void v1KeysetInt() {
        JsonNode v1 = nut13().get("v1_legacy_bip32");
        assertThat(DeterministicSecrets.keysetInt(v1.get("keyset_id").asText()), is(v1.get("keyset_id_int").asLong()));
    }

    @Test
    void v1Bip32Vectors() {
        check(nut13().get("v1_legacy_bip32"));
    }

    @Test
    void v2HmacVectors() {
        check(nut13().get("v2_hmac"));
    }

    private static void check(JsonNode v) {
        byte[] seed = seed();
        String keysetId = v.get("keyset_id").asText();
        for (int i = 0; i < 5; i++) {
            DeterministicSecrets.Derived d = DeterministicSecrets.derive(seed, keysetId, i);
            assertThat("secret " + i, d.secret(), is(v.at("/secrets/secret_" + i).asText()));
            assertThat("r " + i, Secp256k1.scalarHex(d.r()), is(v.at("/r/r_" + i).asText()));
        }
    }
}
