package org.routstr.crypto.cashu.nut00;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import org.routstr.crypto.Hex;
import org.routstr.crypto.cashu.nut00.InvalidTokenException.Reason;

/**
 * V4 token payload in CBOR. Written from a tree so Jackson emits definite lengths (cashu-ts rejects indefinite ones);
 * key order t, d, m, u / i, p / a, s, c, d, w as in the official vector.
 */
final class TokenV4 {
    private static final CBORMapper CBOR = new CBORMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private TokenV4() {
    }

    static byte[] encode(Token token) {
        Map<String, List<Proof>> byKeyset = new LinkedHashMap<>();
        token.proofs().forEach(p -> byKeyset.computeIfAbsent(p.id(), k -> new ArrayList<>()).add(p));
        ObjectNode root = NODES.objectNode();
        ArrayNode groups = root.putArray("t");
        byKeyset.forEach((id, proofs) -> {
            ObjectNode group = groups.addObject();
            group.put("i", hexBytes(id, "keyset id"));
            ArrayNode ps = group.putArray("p");
            proofs.forEach(p -> ps.add(proof(p)));
        });
        token.memo().ifPresent(m -> root.put("d", m));
        root.put("m", token.mint());
        root.put("u", token.unit());
        try {
            return CBOR.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write token CBOR", e);
        }
    }

    private static ObjectNode proof(Proof p) {
        ObjectNode n = NODES.objectNode();
        n.put("a", p.amount());
        n.put("s", p.secret());
        n.put("c", hexBytes(p.C(), "C"));
        p.dleqProof().ifPresent(d -> {
            ObjectNode dn = n.putObject("d");
            dn.put("e", hexBytes(d.e(), "dleq e"));
            dn.put("s", hexBytes(d.s(), "dleq s"));
            d.blindingFactor().ifPresent(r -> dn.put("r", hexBytes(r, "dleq r")));
        });
        p.witnessJson().ifPresent(w -> n.put("w", w));
        return n;
    }

    private static byte[] hexBytes(String hex, String what) {
        if (!Hex.isHex(hex)) {
            throw new IllegalArgumentException(what + " must be hex to be written into a V4 token");
        }
        return Hex.decode(hex);
    }

    static Token decode(byte[] cbor) {
        JsonNode root;
        try {
            root = CBOR.readTree(cbor);
        } catch (IOException | RuntimeException e) {
            // Jackson's CBOR parser reports truncated input with IO and some malformed input with runtime exceptions
            throw new InvalidTokenException(Reason.BAD_CBOR, "V4 payload is not CBOR", e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidTokenException(Reason.BAD_CBOR, "V4 payload must be a CBOR map");
        }
        String mint = TokenNodes.text(root, "m");
        String unit = TokenNodes.text(root, "u");
        List<Proof> proofs = new ArrayList<>();
        for (JsonNode group : TokenNodes.array(root, "t")) {
            if (!group.isObject()) {
                throw new InvalidTokenException(Reason.MISSING_FIELD, "keyset group must be a map");
            }
            String id = TokenNodes.bytesHex(group, "i");
            for (JsonNode p : TokenNodes.array(group, "p")) {
                proofs.add(proof(id, p));
            }
        }
        if (proofs.isEmpty()) {
            throw new InvalidTokenException(Reason.NO_PROOFS, "token holds no proofs");
        }
        if (mint.isBlank() || unit.isBlank()) {
            throw new InvalidTokenException(Reason.MISSING_FIELD, "mint and unit must not be empty");
        }
        return new Token(mint, unit, Optional.ofNullable(TokenNodes.optionalText(root, "d")), proofs);
    }

    private static Proof proof(String id, JsonNode p) {
        if (!p.isObject()) {
            throw new InvalidTokenException(Reason.MISSING_FIELD, "proof must be a map");
        }
        long amount = TokenNodes.amount(p, "a");
        String secret = TokenNodes.text(p, "s");
        if (secret.isEmpty()) {
            throw new InvalidTokenException(Reason.INVALID_FIELD, "secret must not be empty");
        }
        String c = TokenNodes.bytesHex(p, "c");
        DleqProof dleq = null;
        JsonNode d = p.get("d");
        if (d != null && !d.isNull()) {
            if (!d.isObject()) {
                throw new InvalidTokenException(Reason.MISSING_FIELD, "proof 'd' must be a map");
            }
            String r = d.has("r") && !d.get("r").isNull() ? TokenNodes.bytesHex(d, "r") : null;
            dleq = new DleqProof(TokenNodes.bytesHex(d, "e"), TokenNodes.bytesHex(d, "s"), r);
        }
        return new Proof(amount, id, secret, c, TokenNodes.optionalText(p, "w"), dleq);
    }
}
