package org.routstr.crypto.cashu;

import java.math.BigInteger;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.routstr.crypto.cashu.nut00.Proof;
import org.routstr.crypto.cashu.nut08.BlankOutputs;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ProofSelectorTest {
    private static Proof proof(long amount, int n) {
        return new Proof(amount, "00aa", "s" + n, "02aa");
    }

    @Test
    void splitsIntoPowersOfTwoAscending() {
        assertThat(Amounts.split(13), is(List.of(1L, 4L, 8L)));
        assertThat(Amounts.split(63), is(List.of(1L, 2L, 4L, 8L, 16L, 32L)));
        assertThat(Amounts.split(0), is(List.of()));
        assertThat(Amounts.split(Long.MAX_VALUE).size(), is(63));
        assertThat(Amounts.split(10, List.of(BigInteger.ONE, BigInteger.TWO, BigInteger.valueOf(8))), is(List.of(2L, 8L)));
    }

    @Test
    void selectionCoversTargetPlusInputFees() {
        List<Proof> wallet = List.of(proof(1, 1), proof(2, 2), proof(4, 3), proof(8, 4), proof(16, 5), proof(64, 6));
        ProofSelector.Selection exact = ProofSelector.select(wallet, 20, id -> 0);
        assertThat(exact.total() - exact.fee(), greaterThanOrEqualTo(20L));
        ProofSelector.Selection withFees = ProofSelector.select(wallet, 94, id -> 100);
        assertThat(withFees.fee(), is(1L));
        assertThat(withFees.total() - withFees.fee(), greaterThanOrEqualTo(94L));
        assertThat(withFees.change(94), is(withFees.total() - withFees.fee() - 94));
        assertThrows(InsufficientFundsException.class, () -> ProofSelector.select(wallet, 95, id -> 100));
    }

    @Test
    void blankOutputCountPerNut08() {
        assertThat(BlankOutputs.count(0), is(0));
        assertThat(BlankOutputs.count(1), is(1));
        assertThat(BlankOutputs.count(2), is(1));
        assertThat(BlankOutputs.count(8), is(3));
        assertThat(BlankOutputs.count(1000), is(10));
    }
}
