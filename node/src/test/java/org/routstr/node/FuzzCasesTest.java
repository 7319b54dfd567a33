package org.routstr.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import org.routstr.crypto.cashu.nut00.Proof;
import org.routstr.crypto.cashu.nut00.Token;
import org.routstr.crypto.cashu.nut00.TokenCodec;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;

/**
 * The fuzz generator's promise that no token it makes is redeemable: CI's seed 1796194163241 made one whose only
 * "forged" proof was a genuine 256 sat proof unchanged (a power-of-two amount drawn equal to the real one), the node
 * rightly redeemed it, and the fuzz test reported money moved.
 */
class FuzzCasesTest {
    private static final String MINT = "http://127.0.0.1:3338";

    @Test
    void noGeneratedTokenCarriesOnlyGenuineProofsForTheRealMint() {
        Random seeds = new Random(7);
        List<Proof> genuine = new ArrayList<>();
        for (long amount : new long[] {512, 256, 128, 64, 32, 8}) {
            genuine.add(new Proof(amount, "00a1b2c3d4e5f607", FuzzCases.hex(seeds, 64), "02" + FuzzCases.hex(seeds, 64), null, null));
        }
        FuzzCases cases = new FuzzCases(genuine, MINT, "sk-" + "0".repeat(64));
        List<String> redeemable = new ArrayList<>();
        for (long seed = 0; seed < 300_000 && redeemable.size() < 5; seed++) {
            String token = cases.token(new Random(seed));
            if (redeemable(token, genuine)) {
                redeemable.add("seed " + seed + ": " + token);
            }
        }
        assertThat(redeemable, empty());
    }

    private static boolean redeemable(String serialized, List<Proof> genuine) {
        Token t;
        try {
            t = TokenCodec.decode(serialized);
        } catch (RuntimeException e) {
            return false;
        }
        return t.mint().equals(MINT) && t.unit().equalsIgnoreCase("sat")
               && t.proofs().stream().allMatch(p -> genuine.stream().anyMatch(g -> g.amount() == p.amount() && g.id().equals(p.id())
                       && g.secret().equals(p.secret()) && g.C().equals(p.C())));
    }
}
