package org.routstr.crypto.cashu.nut00;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test helpers for tokens. */
final class TokenCodecTestSupport {
    private TokenCodecTestSupport() {
    }

    /** The token with proofs reordered the way V4 groups them (keysets in order of first appearance). */
    static Token groupedByKeyset(Token t) {
        Map<String, List<Proof>> groups = new LinkedHashMap<>();
        t.proofs().forEach(p -> groups.computeIfAbsent(p.id(), k -> new ArrayList<>()).add(p));
        return new Token(t.mint(), t.unit(), t.memo(), groups.values().stream().flatMap(List::stream).toList());
    }
}
