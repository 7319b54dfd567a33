package org.routstr.crypto.cashu.nut00;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.routstr.crypto.Hex;
import org.routstr.crypto.Secp256k1;
import org.routstr.crypto.cashu.CashuJson;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Cross-checks the token codec with the reference TypeScript client {@code @cashu/cashu-ts} (pinned in
 * src/test/js/package-lock.json). Needs {@code node} and {@code npm} on PATH: without them the test FAILS.
 */
class CashuTsInteropTest {
    private static final Path JS = Path.of("src/test/js").toAbsolutePath();
    private static final String C1 = "02bc9097997d81afb2cc7346b5e4345a9346bd2a506eb7958598a72f0cf85163ea";
    private static final String C2 = "029e8e5050b890a7d6c0968db16bc1d5d5fa040ea1de284f6ec69d61299f671059";
    private static final String V1_ID = "009a1f293253e41e";
    private static final String V2_ID = "015ba18a8adcd02e715a58358eb618da4a4b3791151a4bee5e968bb88406ccf76a";

    @BeforeAll
    static void installCashuTs() {
        requireOnPath("node");
        requireOnPath("npm");
        if (!Files.isDirectory(JS.resolve("node_modules/@cashu/cashu-ts"))) {
            run(List.of("npm", "ci", "--no-audit", "--no-fund"), null, 300);
        }
    }

    private static List<Token> samples() {
        String h = Hex.encode(Secp256k1.randomBytes(32));
        DleqProof dleq = new DleqProof(Hex.encode(Secp256k1.randomBytes(32)), h, Hex.encode(Secp256k1.randomBytes(32)));
        return List.of(
                new Token("http://localhost:3338", "sat", Optional.of("Thank you"),
                        List.of(new Proof(1, V1_ID, "9a6dbb847bd232ba76db0df197216b29d3b8cc14553cd27827fc1cc942fedb4e", C1))),
                new Token("https://mint.example", "sat", Optional.empty(), List.of(
                        new Proof(2, V2_ID, Hex.encode(Secp256k1.randomBytes(32)), C1, null, dleq),
                        new Proof(1L << 52, V2_ID, "[\"P2PK\",{\"nonce\":\"00\",\"data\":\"" + C2 + "\"}]", C2,
                                "{\"signatures\":[]}", null),
                        new Proof(8, V1_ID, Hex.encode(Secp256k1.randomBytes(32)), C2))),
                new Token("https://mint.example/cashu", "msat", Optional.of("emoji ⚡ memo"),
                        List.of(new Proof(1000, V1_ID, "plain secret", C2))));
    }

    @Test
    void cashuTsDecodesWhatJavaEncodes() {
        ArrayNode requests = CashuJson.mapper().createArrayNode();
        List<Token> expected = new ArrayList<>();
        for (Token t : samples()) {
            for (String s : List.of(TokenCodec.encodeV4(t), TokenCodec.encodeV3(t))) {
                ObjectNode r = requests.addObject().put("token", s);
                ArrayNode ids = r.putArray("keysetIds");
                t.keysetIds().forEach(ids::add);
                expected.add(t);
            }
        }
        JsonNode out = node("decode", requests);
        for (int i = 0; i < expected.size(); i++) {
            JsonNode res = out.get(i);
            assertThat("cashu-ts error: " + res.path("error").asText(), res.get("ok").asBoolean(), is(true));
            assertSame(expected.get(i), res.get("token"), i % 2 == 0);
        }
    }

    @Test
    void javaDecodesWhatCashuTsEncodesAndTheCborMatches() throws IOException {
        ArrayNode tokens = CashuJson.mapper().createArrayNode();
        List<Token> samples = samples().stream().map(TokenCodecTestSupport::groupedByKeyset).toList();
        samples.forEach(t -> tokens.add(toJson(t)));
        JsonNode out = node("encode", tokens);
        CBORMapper cbor = new CBORMapper();
        for (int i = 0; i < samples.size(); i++) {
            Token t = samples.get(i);
            String theirs = out.get(i).get("token").asText();
            // cashu-ts writes v2 keyset ids as 8-byte short ids; receivers resolve them against the mint's keysets
            List<String> known = List.of(V1_ID, V2_ID);
            Token decoded = TokenCodec.decode(theirs).withResolvedKeysetIds(known);
            assertThat(CashuJson.mapper().valueToTree(decoded.proofs()).toString(), is(CashuJson.mapper().valueToTree(t.proofs()).toString()));
            assertThat(decoded, is(t));
            assertThat(TokenCodec.decodeRaw(Hex.decode(out.get(i).get("binaryHex").asText())).withResolvedKeysetIds(known), is(t));
            // same CBOR data model (maps compare regardless of key order; cashu-ts writes m,u,t while the spec vector has t,m,u)
            JsonNode theirTree = cbor.readTree(Base64.getUrlDecoder().decode(theirs.substring(6)));
            JsonNode ourTree = cbor.readTree(TokenCodec.cborV4(t.withShortKeysetIds()));
            assertThat(ourTree.toString() + " vs " + theirTree, ourTree, is(theirTree));
            byte[] theirBytes = Base64.getUrlDecoder().decode(theirs.substring(6));
            assertThat(theirBytes.length, is(TokenCodec.cborV4(t.withShortKeysetIds()).length));
        }
    }

    private static void assertSame(Token t, JsonNode decoded, boolean v4) {
        assertThat(decoded.get("mint").asText(), is(t.mint()));
        assertThat(decoded.get("unit").asText(), is(t.unit()));
        assertThat(decoded.get("memo").isNull() ? Optional.empty() : Optional.of(decoded.get("memo").asText()), is(t.memo()));
        List<Proof> proofs = v4 ? TokenCodecTestSupport.groupedByKeyset(t).proofs() : t.proofs();
        assertThat(decoded.get("proofs").size(), is(proofs.size()));
        for (int i = 0; i < proofs.size(); i++) {
            Proof p = proofs.get(i);
            JsonNode d = decoded.get("proofs").get(i);
            assertThat(d.get("amount").asText(), is(Long.toString(p.amount())));
            assertThat(d.get("id").asText(), is(p.id()));
            assertThat(d.get("secret").asText(), is(p.secret()));
            assertThat(d.get("C").asText(), is(p.C()));
            assertThat(d.get("witness").isNull() ? null : d.get("witness").asText(), is(p.witness()));
            if (p.dleq() != null) {
                assertThat(d.at("/dleq/e").asText(), is(p.dleq().e()));
                assertThat(d.at("/dleq/s").asText(), is(p.dleq().s()));
                assertThat(d.at("/dleq/r").asText(), is(p.dleq().r()));
            } else {
                assertThat(d.get("dleq").isNull(), is(true));
            }
        }
    }

    private static JsonNode toJson(Token t) {
        ObjectNode n = CashuJson.mapper().createObjectNode().put("mint", t.mint()).put("unit", t.unit());
        t.memo().ifPresent(m -> n.put("memo", m));
        ArrayNode ps = n.putArray("proofs");
        for (Proof p : t.proofs()) {
            ObjectNode pn = CashuJson.mapper().valueToTree(p);
            pn.put("amount", Long.toString(p.amount()));
            ps.add(pn);
        }
        return n;
    }

    private static JsonNode node(String mode, JsonNode input) {
        try {
            Path in = Files.createTempFile("cashu-ts-", ".json");
            Files.writeString(in, input.toString());
            String out = run(List.of("node", "interop.mjs", mode), in.toFile(), 60);
            Files.delete(in);
            return CashuJson.mapper().readTree(out);
        } catch (IOException e) {
            throw new IllegalStateException("cashu-ts interop I/O failed", e);
        }
    }

    private static String run(List<String> command, File stdin, int timeoutSeconds) {
        try {
            Path err = Files.createTempFile("cashu-ts-", ".err");
            ProcessBuilder pb = new ProcessBuilder(command).directory(JS.toFile()).redirectError(err.toFile());
            pb.redirectInput(stdin == null ? ProcessBuilder.Redirect.from(new File("/dev/null")) : ProcessBuilder.Redirect.from(stdin));
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(command + " timed out");
            }
            String stderr = Files.readString(err);
            Files.delete(err);
            if (p.exitValue() != 0) {
                fail(command + " exited with " + p.exitValue() + ": " + stderr);
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
    }

    private static void requireOnPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return;
            }
        }
        fail("'" + tool + "' is not on PATH: the cashu-ts interop test needs Node.js 20+ and npm (CI must install them)");
    }
}
