package org.routstr.crypto.cashu.nut00;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.routstr.crypto.cashu.CashuJson;
import org.routstr.crypto.cashu.nut00.InvalidTokenException.Reason;

/** V3 token payload: {@code {"token":[{"mint","proofs"}],"unit","memo"}}. */
final class TokenV3 {
    private static final String DEFAULT_UNIT = "sat";

    private TokenV3() {
    }

    static Token decode(byte[] json) {
        JsonNode root;
        try {
            root = CashuJson.mapper().readTree(json);
        } catch (IOException e) {
            throw new InvalidTokenException(Reason.BAD_JSON, "V3 payload is not JSON", e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidTokenException(Reason.BAD_JSON, "V3 payload must be a JSON object");
        }
        JsonNode entries = TokenNodes.array(root, "token");
        String mint = null;
        List<Proof> proofs = new ArrayList<>();
        for (JsonNode entry : entries) {
            if (!entry.isObject()) {
                throw new InvalidTokenException(Reason.MISSING_FIELD, "token entry must be an object");
            }
            String entryMint = stripSlash(TokenNodes.text(entry, "mint"));
            if (mint != null && !mint.equals(entryMint)) {
                throw new InvalidTokenException(Reason.MULTIPLE_MINTS, "token spans several mints");
            }
            mint = entryMint;
            for (JsonNode p : TokenNodes.array(entry, "proofs")) {
                proofs.add(proof(p));
            }
        }
        if (proofs.isEmpty() || mint == null || mint.isBlank()) {
            throw new InvalidTokenException(Reason.NO_PROOFS, "token holds no proofs");
        }
        String unit = Optional.ofNullable(TokenNodes.optionalText(root, "unit")).orElse(DEFAULT_UNIT);
        return new Token(mint, unit, Optional.ofNullable(TokenNodes.optionalText(root, "memo")), proofs);
    }

    private static Proof proof(JsonNode p) {
        if (!p.isObject()) {
            throw new InvalidTokenException(Reason.MISSING_FIELD, "proof must be an object");
        }
        long amount = TokenNodes.amount(p, "amount");
        String id = TokenNodes.text(p, "id");
        String secret = TokenNodes.text(p, "secret");
        String c = TokenNodes.text(p, "C");
        TokenNodes.requireHex(c, "C");
        String witness = TokenNodes.optionalText(p, "witness");
        DleqProof dleq = null;
        JsonNode d = p.get("dleq");
        if (d != null && !d.isNull()) {
            if (!d.isObject()) {
                throw new InvalidTokenException(Reason.MISSING_FIELD, "'dleq' must be an object");
            }
            dleq = new DleqProof(TokenNodes.text(d, "e"), TokenNodes.text(d, "s"), TokenNodes.optionalText(d, "r"));
        }
        if (secret.isEmpty() || id.isEmpty()) {
            throw new InvalidTokenException(Reason.INVALID_FIELD, "proof id and secret must not be empty");
        }
        return new Proof(amount, id, secret, c, witness, dleq);
    }

    static byte[] encode(Token token) {
        ObjectNode root = CashuJson.mapper().createObjectNode();
        ArrayNode entries = root.putArray("token");
        ObjectNode entry = entries.addObject();
        entry.put("mint", token.mint());
        ArrayNode proofs = entry.putArray("proofs");
        for (Proof p : token.proofs()) {
            proofs.add(CashuJson.mapper().valueToTree(p));
        }
        root.put("unit", token.unit());
        token.memo().ifPresent(m -> root.put("memo", m));
        try {
            return CashuJson.mapper().writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write token JSON", e);
        }
    }

    private static String stripSlash(String url) {
        String u = url;
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        return u;
    }
}
