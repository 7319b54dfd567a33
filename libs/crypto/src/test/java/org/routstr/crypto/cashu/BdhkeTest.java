package org.routstr.crypto.cashu;

import java.math.BigInteger;

import com.fasterxml.jackson.databind.JsonNode;
import org.bouncycastle.math.ec.ECPoint;
import org.junit.jupiter.api.Test;
import org.routstr.crypto.Hex;
import org.routstr.crypto.Secp256k1;
import org.routstr.crypto.Vectors;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

class BdhkeTest {
    /** Loaded per test, so a missing vectors folder skips the test instead of failing class initialization. */
    private static JsonNode nut00() {
        return Vectors.json("cashu/json/nut00.json");
    }

    @Test
    void hashToCurveVectors() {
        assertThat(nut00().at("/hash_to_curve/domain_separator").asText(), is(new String(Bdhke.DOMAIN_SEPARATOR)));
        int n = 0;
        for (JsonNode v : nut00().at("/hash_to_curve/vectors")) {
            ECPoint y = Bdhke.hashToCurve(Hex.decode(v.get("message_hex").asText()));
            assertThat(Secp256k1.toHex(y), is(v.get("point").asText()));
            n++;
        }
        assertThat(n, is(3));
    }

    @Test
    void blindedMessageVectors() {
        int n = 0;
        for (JsonNode v : nut00().at("/blinded_messages/vectors")) {
            ECPoint y = Bdhke.hashToCurve(Hex.decode(v.get("x_hex").asText()));
            ECPoint blinded = Bdhke.blind(y, new BigInteger(v.get("r_hex").asText(), 16));
            assertThat(Secp256k1.toHex(blinded), is(v.get("B_").asText()));
            n++;
        }
        assertThat(n, is(2));
    }

    @Test
    void blindSignatureVectors() {
        int n = 0;
        for (JsonNode v : nut00().at("/blinded_signatures/vectors")) {
            ECPoint c = Bdhke.sign(new BigInteger(v.get("k_hex").asText(), 16), Secp256k1.pointFromHex(v.get("B_").asText()));
            assertThat(Secp256k1.toHex(c), is(v.get("C_").asText()));
            n++;
        }
        assertThat(n, is(2));
    }

    @Test
    void fullRoundTripWithDleq() {
        BigInteger k = Secp256k1.randomScalar();
        ECPoint bigK = Secp256k1.multiplyG(k);
        String secret = Hex.encode(Secp256k1.randomBytes(32));
        BigInteger r = Secp256k1.randomScalar();
        ECPoint blinded = Bdhke.blind(secret, r);
        ECPoint signature = Bdhke.sign(k, blinded);
        Dleq.EsPair dleq = Dleq.create(k, blinded, signature);
        assertThat(Dleq.verify(bigK, blinded, signature, dleq.e(), dleq.s()), is(true));
        assertThat(Dleq.verify(bigK, blinded, signature, dleq.e(), dleq.s().add(BigInteger.ONE)), is(false));
        ECPoint c = Bdhke.unblind(signature, r, bigK);
        assertThat(Bdhke.verify(k, secret, c), is(true));
        assertThat(Dleq.verifyProof(bigK, secret, c, dleq.e(), dleq.s(), r), is(true));
        assertThat(Bdhke.verify(k, secret + "x", c), is(false));
    }
}
