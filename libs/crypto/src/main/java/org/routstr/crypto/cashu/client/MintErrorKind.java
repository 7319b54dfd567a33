package org.routstr.crypto.cashu.client;

import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Categories of the mint error codes ({@code error_codes.md}), including legacy codes of older mints (10002 outputs
 * already signed, 10003 proof invalid) and nutshell's auth codes (80001+). Money questions should be settled with
 * NUT-07 state checks, not with codes alone (mints deviate).
 *
 * @see <a href="https://github.com/cashubtc/nuts/blob/main/error_codes.md">error codes</a>
 */
public enum MintErrorKind {
    /** 10001 (legacy 10003). */
    PROOF_VERIFICATION_FAILED(10001, 10003),
    /** 11001. */
    PROOFS_ALREADY_SPENT(11001),
    /** 11002. */
    PROOFS_PENDING(11002),
    /** 11003 (legacy 10002). */
    OUTPUTS_ALREADY_SIGNED(11003, 10002),
    /** 11004. */
    OUTPUTS_PENDING(11004),
    /** 11005: inputs − fees != outputs. */
    TRANSACTION_UNBALANCED(11005),
    /** 11006. */
    AMOUNT_OUT_OF_RANGE(11006),
    /** 11007. */
    DUPLICATE_INPUTS(11007),
    /** 11008. */
    DUPLICATE_OUTPUTS(11008),
    /** 11009, 11010, 11013. */
    UNIT_ERROR(11009, 11010, 11013),
    /** 11011, 11012. */
    INVOICE_NOT_ACCEPTED(11011, 11012),
    /** 11014, 11015, 11016, 11017. */
    LIMIT_EXCEEDED(11014, 11015, 11016, 11017),
    /** 12001. */
    KEYSET_UNKNOWN(12001),
    /** 12002. */
    KEYSET_INACTIVE(12002),
    /** 12003. */
    KEYSET_EXPIRED(12003),
    /** 20001. */
    QUOTE_NOT_PAID(20001),
    /** 20002. */
    QUOTE_ALREADY_ISSUED(20002),
    /** 20003. */
    MINTING_DISABLED(20003),
    /** 20004. */
    LIGHTNING_PAYMENT_FAILED(20004),
    /** 20005. */
    QUOTE_PENDING(20005),
    /** 20006. */
    INVOICE_ALREADY_PAID(20006),
    /** 20007. */
    QUOTE_EXPIRED(20007),
    /** 20008, 20009 (NUT-20). */
    QUOTE_SIGNATURE_INVALID(20008, 20009),
    /** 30001–31004 and nutshell's 80001–81004. */
    AUTH_REQUIRED(30001, 30002, 31001, 31002, 31003, 31004, 80001, 80002, 81001, 81002, 81003, 81004),
    /** Anything else (including nutshell's code 0 and generic parents 10000/11000/12000/20000). */
    OTHER;

    private static final Map<Integer, MintErrorKind> BY_CODE = Stream.of(values())
            .flatMap(k -> IntStream.of(k.codes).mapToObj(c -> Map.entry(c, k)))
            .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));

    private final int[] codes;

    MintErrorKind(int... codes) {
        this.codes = codes;
    }

    /** The category of a code. */
    public static MintErrorKind of(int code) {
        return BY_CODE.getOrDefault(code, OTHER);
    }

    /** The spec code of this category (the first listed), or 0 for {@link #OTHER}. */
    public int code() {
        return codes.length == 0 ? 0 : codes[0];
    }
}
