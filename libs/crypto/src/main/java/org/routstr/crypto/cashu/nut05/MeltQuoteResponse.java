package org.routstr.crypto.cashu.nut05;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.routstr.crypto.cashu.nut00.BlindSignature;

/**
 * A bolt11 melt quote; after {@code POST /v1/melt/bolt11} it also carries the preimage and NUT-08 change.
 *
 * @see <a href="https://github.com/cashubtc/nuts/blob/main/05.md">NUT-05</a>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MeltQuoteResponse(String quote, String request, long amount, String unit,
                                @JsonProperty("fee_reserve") long feeReserve, MeltQuoteState state, Long expiry,
                                @JsonProperty("payment_preimage") String paymentPreimage, List<BlindSignature> change) {
    /** Defaults the change to empty. */
    public MeltQuoteResponse {
        change = change == null ? List.of() : List.copyOf(change);
    }

    /** The preimage once paid. */
    public Optional<String> preimage() {
        return Optional.ofNullable(paymentPreimage);
    }

    @Override
    public String toString() {
        return "MeltQuoteResponse[amount=" + amount + ", feeReserve=" + feeReserve + ", state=" + state + "]";
    }
}
