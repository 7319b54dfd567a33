package org.routstr.common.logs;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One structured log record on {@code routstr.logs.v1} (secrets already redacted).
 */
public record LogRecord(int schema, Instant at, String level, String service, String logger, String message,
                        @JsonProperty("request_id") String requestId, String thread) {
    public static final int SCHEMA = 1;
}
