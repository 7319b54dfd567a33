package org.routstr.common.http;

import java.util.Optional;

/**
 * A client-visible failure: HTTP status plus the OpenAI-style {@code type} and {@code code}. Its message reaches the
 * client, so it must never carry a key, token or upstream secret.
 */
public class ApiException extends RuntimeException {
    private final int status;
    private final String type;
    private final String code;
    private final transient Object detail;

    public ApiException(int status, String type, String code, String message) {
        this(status, type, code, message, null);
    }

    public ApiException(int status, String type, String code, String message, Object detail) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
        this.detail = detail;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }

    /** Extra machine-readable detail placed under {@code detail} (for example the 402 balance figures). */
    public Optional<Object> detail() {
        return Optional.ofNullable(detail);
    }

    public static ApiException badRequest(String code, String message) {
        return new ApiException(400, "invalid_request_error", code, message);
    }

    public static ApiException unauthorized(String code, String message) {
        return new ApiException(401, "invalid_request_error", code, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "invalid_request_error", "not_found", message);
    }

    public static ApiException paymentRequired(String code, String message, Object detail) {
        return new ApiException(402, "insufficient_quota", code, message, detail);
    }

    public static ApiException unavailable(String code, String message) {
        return new ApiException(503, "service_unavailable", code, message);
    }
}
