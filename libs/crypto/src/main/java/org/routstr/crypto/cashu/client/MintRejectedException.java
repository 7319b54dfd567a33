package org.routstr.crypto.cashu.client;

/**
 * The mint answered with an error body {@code {"detail","code"}} (usually HTTP 400). Switch on {@link #kind()};
 * the frequent money-relevant kinds also have their own subclasses.
 */
public sealed class MintRejectedException extends MintException
        permits MintRejectedException.ProofsAlreadySpent, MintRejectedException.ProofsPending,
        MintRejectedException.OutputsAlreadySigned, MintRejectedException.QuoteNotPaid {
    private final int httpStatus;
    private final int code;
    private final String detail;

    MintRejectedException(int httpStatus, int code, String detail) {
        super("mint rejected the request: " + MintErrorKind.of(code) + " (code " + code + ", HTTP " + httpStatus + "): "
                + detail, null);
        this.httpStatus = httpStatus;
        this.code = code;
        this.detail = detail;
    }

    /** Builds the most specific exception for a code. */
    public static MintRejectedException of(int httpStatus, int code, String detail) {
        return switch (MintErrorKind.of(code)) {
            case PROOFS_ALREADY_SPENT -> new ProofsAlreadySpent(httpStatus, code, detail);
            case PROOFS_PENDING -> new ProofsPending(httpStatus, code, detail);
            case OUTPUTS_ALREADY_SIGNED -> new OutputsAlreadySigned(httpStatus, code, detail);
            case QUOTE_NOT_PAID -> new QuoteNotPaid(httpStatus, code, detail);
            default -> new MintRejectedException(httpStatus, code, detail);
        };
    }

    /** The category of {@link #code()}. */
    public MintErrorKind kind() {
        return MintErrorKind.of(code);
    }

    /** The numeric code from the body (0 if absent). */
    public int code() {
        return code;
    }

    /** The mint's human-readable detail (for logs). */
    public String detail() {
        return detail;
    }

    /** The HTTP status. */
    public int httpStatus() {
        return httpStatus;
    }

    /** 11001: at least one input was already spent. */
    public static final class ProofsAlreadySpent extends MintRejectedException {
        ProofsAlreadySpent(int httpStatus, int code, String detail) {
            super(httpStatus, code, detail);
        }
    }

    /** 11002: at least one input is reserved by an in-flight melt. */
    public static final class ProofsPending extends MintRejectedException {
        ProofsPending(int httpStatus, int code, String detail) {
            super(httpStatus, code, detail);
        }
    }

    /** 11003 (legacy 10002): an output B_ was signed before; do not reuse it, restore it (NUT-09). */
    public static final class OutputsAlreadySigned extends MintRejectedException {
        OutputsAlreadySigned(int httpStatus, int code, String detail) {
            super(httpStatus, code, detail);
        }
    }

    /** 20001: the mint quote's invoice is not paid. */
    public static final class QuoteNotPaid extends MintRejectedException {
        QuoteNotPaid(int httpStatus, int code, String detail) {
            super(httpStatus, code, detail);
        }
    }
}
