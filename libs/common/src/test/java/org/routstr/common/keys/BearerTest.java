package org.routstr.common.keys;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The one bearer normalisation: what the gateway and the wallet hash is the same string for the same header. */
class BearerTest {
    @Test
    void unicodeWhitespaceAndControlCharactersAroundTheKeyAreRemovedTheSameWay() {
        // before: the gateway trimmed (<= U+0020 only) and kept U+3000; the wallet stripped (Unicode) and kept U+0001
        for (String h : new String[] {"Bearer sk-abc", "  Bearer sk-abc  ", "Bearer \tsk-abc\t", "Bearer sk-abc\u3000",
                                      "Bearer sk-abc\u0001", "\u3000Bearer sk-abc", "bearer sk-abc\u2028", "BEARER  sk-abc\u00a0"}) {
            assertEquals(Optional.of("sk-abc"), ApiKeys.bearer(Optional.of(h)), h);
        }
    }

    @Test
    void noBearerIsEmpty() {
        assertEquals(Optional.empty(), ApiKeys.bearer(Optional.empty()));
        assertEquals(Optional.empty(), ApiKeys.bearer(Optional.of("Bearer   ")));
        assertEquals(Optional.empty(), ApiKeys.bearer(Optional.of("Basic abc")));
        assertEquals(Optional.of("cashuBxyz"), ApiKeys.bearer(Optional.of("Bearer cashuBxyz ")));
    }
}
