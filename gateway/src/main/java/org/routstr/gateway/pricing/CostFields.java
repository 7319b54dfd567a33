package org.routstr.gateway.pricing;

import java.math.BigDecimal;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The reference's cost fields of a response's {@code usage}: {@code cost} (see {@link Cost#json()}), {@code cost_sats}
 * and {@code remaining_balance_msats}, what the paying account has once this request is settled (so a client need not
 * poll while billing catches up).
 */
public final class CostFields {
    private CostFields() {
    }

    public static void put(ObjectNode usage, Cost cost, long remainingMsat) {
        usage.set("cost", cost.json());
        usage.put("cost_sats", BigDecimal.valueOf(cost.totalMsat()).divide(BigDecimal.valueOf(1000)).stripTrailingZeros());
        usage.put("remaining_balance_msats", remainingMsat);
    }
}
