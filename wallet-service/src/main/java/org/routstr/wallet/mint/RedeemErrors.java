package org.routstr.wallet.mint;

import org.routstr.common.http.ApiException;

/**
 * The reference's redemption error taxonomy (§5.6) plus our own codes for untrusted mints and units.
 */
public final class RedeemErrors {
    private RedeemErrors() {
    }

    public static ApiException of(String code) {
        return switch (code) {
            case "cashu_token_consumed" -> new ApiException(500, "token_consumed", code,
                    "Token was redeemed but could not be credited; do not retry");
            case "cashu_source_mint_unreachable" -> new ApiException(503, "mint_unreachable", code,
                    "The mint that issued this Cashu token is unreachable; the token cannot be redeemed at another mint");
            case "cashu_mint_unreachable" -> new ApiException(503, "mint_unreachable", code, "Cashu mint is unreachable");
            case "cashu_redemption_pending" -> new ApiException(503, "mint_unreachable", code,
                    "The mint did not confirm the redemption yet; retry shortly with the same token");
            case "cashu_token_already_spent" -> new ApiException(400, "token_already_spent", code, "Cashu token already spent");
            case "cashu_token_swap_fees_exceed_amount" -> new ApiException(422, "mint_error", code,
                    "Token value is too small to cover swap fees");
            case "cashu_foreign_mint_swap_failed" -> new ApiException(422, "mint_error", code,
                    "Failed to swap token from foreign mint");
            case "invalid_cashu_token" -> new ApiException(400, "invalid_token", code, "Invalid Cashu token");
            case "cashu_token_zero_value" -> new ApiException(400, "cashu_error", code,
                    "Failed to redeem Cashu token: token yielded no value");
            case "cashu_mint_not_trusted" -> new ApiException(400, "cashu_error", code,
                    "Tokens from this mint are not accepted by this node");
            case "cashu_mint_not_allowed" -> new ApiException(400, "cashu_error", code,
                    "The mint named in this token cannot be contacted by this node (https and a public host only)");
            case "cashu_token_unsupported_unit" -> new ApiException(400, "cashu_error", code,
                    "Cashu token unit is not supported (sat or msat only)");
            case "cashu_token_wrong_unit" -> new ApiException(400, "cashu_error", code,
                    "Cashu token unit differs from the unit of this key");
            case "cashu_token_redemption_failed" -> new ApiException(400, "cashu_error", code, "Failed to redeem Cashu token");
            default -> new ApiException(500, "api_error", "internal_error", "Internal error during token redemption");
        };
    }

    /** Codes whose outcome is final: the same token always fails the same way. */
    static boolean terminal(String code) {
        return switch (code) {
            case "cashu_token_already_spent", "invalid_cashu_token", "cashu_token_zero_value",
                 "cashu_token_swap_fees_exceed_amount", "cashu_token_consumed" -> true;
            default -> false;
        };
    }
}
