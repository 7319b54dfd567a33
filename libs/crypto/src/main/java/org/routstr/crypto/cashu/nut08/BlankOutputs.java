package org.routstr.crypto.cashu.nut08;

/**
 * Number of blank outputs for Lightning fee return: 0 if fee_reserve is 0, else max(ceil(log2(fee_reserve)), 1).
 *
 * @see <a href="https://github.com/cashubtc/nuts/blob/main/08.md">NUT-08</a>
 */
public final class BlankOutputs {
    private BlankOutputs() {
    }

    /** How many blank outputs to send with a melt whose quote has this fee reserve. */
    public static int count(long feeReserve) {
        if (feeReserve <= 0) {
            return 0;
        }
        if (feeReserve == 1) {
            return 1;
        }
        return Math.max(64 - Long.numberOfLeadingZeros(feeReserve - 1), 1);
    }
}
