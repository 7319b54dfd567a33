package org.routstr.gateway.pricing;

import java.math.BigDecimal;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.sameInstance;

class CostTest {
    private static final Cost COST = new Cost(100, 400, 1_000, 50, 20, new Usage(10, 20, 3, 1), "usage", new BigDecimal("0.00157000"));

    @Test
    void aCostWithinTheReservationIsUnchanged() {
        assertThat(COST.totalMsat(), is(1_570L));
        assertThat(COST.cappedAt(1_570), sameInstance(COST));
        assertThat(COST.cappedAt(5_000), sameInstance(COST));
    }

    @Test
    void anOverrunIsCutOutputFirstDownToTheReservationExactly() {
        Cost c = COST.cappedAt(1_000);
        assertThat(c.totalMsat(), is(1_000L));
        assertThat(c.outputMsat(), is(430L));
        assertThat(c.inputMsat(), is(400L));
        assertThat(c.baseMsat(), is(100L));
        assertThat(c.usage(), is(COST.usage()));
        assertThat(c.totalUsd(), is(new BigDecimal("0.00100000")));
        Cost small = COST.cappedAt(120);
        assertThat(small.totalMsat(), is(120L));
        assertThat(small.outputMsat() + small.inputMsat() + small.cacheWriteMsat(), is(0L));
        assertThat(small.cacheReadMsat(), is(20L));
        assertThat(small.baseMsat(), is(100L));
    }
}
