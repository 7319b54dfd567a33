package org.routstr.crypto.cashu.nut00;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.routstr.crypto.Hex;
import org.routstr.crypto.Secp256k1;
import org.routstr.crypto.Vectors;
import org.routstr.crypto.cashu.CashuJson;
import org.routstr.crypto.cashu.nut00.InvalidTokenException.Reason;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TokenCodecTest {
    /** Loaded per test, so a missing vectors folder skips the test instead of failing class initialization. */
    private static JsonNode nut00() {
        return Vectors.json("cashu/json/nut00.json");
    }
    private static final String C = "02bc9097997d81afb2cc7346b5e4345a9346bd2a506eb7958598a72f0cf85163ea";
    private static final String V2_ID = "015ba18a8adcd02e715a58358eb618da4a4b3791151a4bee5e968bb88406ccf76a";

    @Test
    void v3VectorDecodes() throws Exception {
        JsonNode v = nut00().get("token_v3");
        Token t = TokenCodec.decode(v.get("serialized").asText());
        assertThat(t.mint(), is("https://8333.space:3338"));
        assertThat(t.unit(), is("sat"));
        assertThat(t.memo(), is(Optional.of("Thank you.")));
        assertThat(t.amount(), is(10L));
        JsonNode expected = v.at("/json/token/0/proofs");
        for (int i = 0; i < expected.size(); i++) {
            assertThat(CashuJson.mapper().valueToTree(t.proofs().get(i)).toString(), is(expected.get(i).toString()));
        }
        // our own encoding decodes to the same JSON tree as the vector
        String again = TokenCodec.encodeV3(t);
        JsonNode ours = CashuJson.mapper().readTree(Base64.getUrlDecoder().decode(again.substring(6)));
        assertThat(ours.toString(), is(v.get("json").toString()));
    }

    @Test
    void v3InvalidVectorsAreRejected() {
        for (JsonNode v : nut00().at("/token_v3/invalid")) {
            InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> TokenCodec.decode(v.get("serialized").asText()));
            assertThat(v.get("why").asText(), e.reason(), is(Reason.BAD_PREFIX));
        }
    }

    @Test
    void v3PaddedAndUnpaddedBothDecode() {
        JsonNode v = nut00().at("/token_v3/padding_variants");
        Token padded = TokenCodec.decode(v.get("padded").asText());
        Token unpadded = TokenCodec.decode(v.get("unpadded").asText());
        assertThat(padded, is(unpadded));
        assertThat(padded.memo(), is(Optional.of("Thank you very much.")));
    }

    @Test
    void v4VectorsDecodeAndReEncodeByteForByte() {
        int n = 0;
        for (JsonNode v : nut00().at("/token_v4/vectors")) {
            Token t = TokenCodec.decode(v.get("serialized").asText());
            JsonNode d = v.get("decoded");
            assertThat(t.mint(), is(d.get("m").asText()));
            assertThat(t.unit(), is(d.get("u").asText()));
            assertThat(t.memo(), is(d.has("d") ? Optional.of(d.get("d").asText()) : Optional.empty()));
            List<String> secrets = new ArrayList<>();
            d.get("t").forEach(g -> g.get("p").forEach(p -> secrets.add(p.get("s").asText())));
            assertThat(t.proofs().stream().map(Proof::secret).toList(), is(secrets));
            assertThat(t.proofs().getFirst().id(), is(d.at("/t/0/i/bytes_hex").asText()));
            byte[] cbor = TokenCodec.cborV4(t);
            assertThat(v.get("title").asText(), Hex.encode(cbor), is(v.get("cbor_hex").asText()));
            assertThat(cbor[0] & 0xff, not(is(0xbf)));
            String unpadded = v.get("serialized").asText().replace("=", "");
            assertThat(TokenCodec.encodeV4(t), is(unpadded));
            n++;
        }
        assertThat(n, is(2));
    }

    @Test
    void rawBinaryVector() {
        byte[] raw = Hex.decode(nut00().at("/token_v4/raw_binary/hex").asText());
        Token t = TokenCodec.decodeRaw(raw);
        assertThat(t, is(TokenCodec.decode(nut00().at("/token_v4/vectors/0/serialized").asText())));
        assertThat(Hex.encode(TokenCodec.encodeRaw(t)), is(Hex.encode(raw)));
    }

    @Test
    void roundTripsWithHugeAmountsDleqWitnessAndSeveralKeysets() {
        String dleqHex = Hex.encode(Secp256k1.randomBytes(32));
        List<Proof> proofs = List.of(
                new Proof(Long.MAX_VALUE, V2_ID, "secret-a", C, null, new DleqProof(dleqHex, dleqHex, dleqHex)),
                new Proof(1L << 62, "009a1f293253e41e", "secret-b", C, "{\"signatures\":[]}", null),
                new Proof(1, V2_ID, "secret-c", C));
        Token t = new Token("https://mint.example/", "sat", Optional.of("memo ü"), proofs);
        assertThat(t.mint(), is("https://mint.example"));
        Token v4 = TokenCodec.decode(TokenCodec.encodeV4(t));
        Token v3 = TokenCodec.decode(TokenCodec.encodeV3(t));
        assertThat(v3, is(t));
        // V4 groups proofs per keyset: same proofs, keyset order of first appearance
        assertThat(v4.proofs().stream().map(Proof::secret).toList(), contains("secret-a", "secret-c", "secret-b"));
        assertThat(v4.proofs().getFirst(), is(proofs.getFirst()));
        assertThat(v4.proofs().get(2), is(proofs.get(1)));
        assertThat(v4.memo(), is(t.memo()));
        assertThrows(ArithmeticException.class, t::amount);
        Token noDleq = TokenCodec.decode(TokenCodec.encodeV4(t.withoutDleq()));
        assertThat(noDleq.proofs().getFirst().dleqProof(), is(Optional.empty()));
        assertThat(TokenCodec.decode("cashu:" + TokenCodec.encodeV4(t)), is(v4));
        assertThat(TokenCodec.decode("  " + TokenCodec.encodeV3(t) + "\n"), is(t));
    }

    @Test
    void malformedTokensGiveTypedErrors() {
        Token t = new Token("http://localhost:3338", "sat", List.of(new Proof(8, "009a1f293253e41e", "s", C)));
        String v4 = TokenCodec.encodeV4(t);
        String v3 = TokenCodec.encodeV3(t);
        expect(null, Reason.EMPTY);
        expect("  ", Reason.EMPTY);
        expect("cashu", Reason.BAD_PREFIX);
        expect("casshuBabc", Reason.BAD_PREFIX);
        expect("cashuCabc", Reason.UNSUPPORTED_VERSION);
        expect("cashuB", Reason.BAD_BASE64);
        expect("cashuB***", Reason.BAD_BASE64);
        expect(truncate(v4, 10), Reason.BAD_CBOR);
        expect(truncate(v3, 10), Reason.BAD_JSON);
        expect(v4.substring(0, 6 + 4 * 5 + 1), Reason.BAD_BASE64);
        expect("cashuA" + b64("[1,2]"), Reason.BAD_JSON);
        expect("cashuA" + b64("{\"token\":[]}"), Reason.NO_PROOFS);
        expect("cashuA" + b64("{\"token\":[{\"mint\":\"m\",\"proofs\":[{\"amount\":0,\"id\":\"00\",\"secret\":\"s\",\"C\":\"02\"}]}]}"),
                Reason.INVALID_AMOUNT);
        expect("cashuA" + b64("{\"token\":[{\"mint\":\"m\",\"proofs\":[{\"amount\":-5,\"id\":\"00\",\"secret\":\"s\",\"C\":\"02\"}]}]}"),
                Reason.INVALID_AMOUNT);
        expect("cashuA" + b64("{\"token\":[{\"mint\":\"m\",\"proofs\":[{\"amount\":18446744073709551615,\"id\":\"00\","
                + "\"secret\":\"s\",\"C\":\"02\"}]}]}"), Reason.INVALID_AMOUNT);
        expect("cashuA" + b64("{\"token\":[{\"mint\":\"m\",\"proofs\":[{\"amount\":1,\"id\":\"00\",\"C\":\"02\"}]}]}"),
                Reason.MISSING_FIELD);
        expect("cashuA" + b64("{\"token\":[{\"mint\":\"a\",\"proofs\":[{\"amount\":1,\"id\":\"00\",\"secret\":\"s\",\"C\":\"02\"}]},"
                + "{\"mint\":\"b\",\"proofs\":[{\"amount\":1,\"id\":\"00\",\"secret\":\"s\",\"C\":\"02\"}]}]}"), Reason.MULTIPLE_MINTS);
        expect("cashuB" + Base64.getUrlEncoder().encodeToString(new byte[] {(byte) 0xa1, 0x61, 0x74, (byte) 0x80}), Reason.MISSING_FIELD);
        expect("cashuB" + Base64.getUrlEncoder().encodeToString(new byte[] {(byte) 0xff, 0x00}), Reason.BAD_CBOR);
    }

    @Test
    void errorMessagesNeverContainTheToken() {
        String v3 = TokenCodec.encodeV3(new Token("http://m", "sat", List.of(new Proof(1, "00aa", "topsecret", C))));
        InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> TokenCodec.decode(v3.substring(0, 40)));
        assertThat(e.getMessage(), not(containsString(v3.substring(6, 30))));
    }

    private static String truncate(String token, int bytes) {
        byte[] payload = Base64.getUrlDecoder().decode(token.substring(6));
        return token.substring(0, 6) + Base64.getUrlEncoder().encodeToString(java.util.Arrays.copyOf(payload, payload.length - bytes));
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static void expect(String token, Reason reason) {
        InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> TokenCodec.decode(token), String.valueOf(token));
        assertThat(String.valueOf(token), e.reason(), is(reason));
    }
}
