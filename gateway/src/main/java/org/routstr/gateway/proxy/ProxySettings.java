package org.routstr.gateway.proxy;

import java.time.Duration;

import io.helidon.config.Config;

/**
 * The proxy's limits and timeouts under {@code gateway}: upstream connect/read timeouts (reads of a stream may idle far
 * longer), and the largest JSON request and audio upload accepted.
 */
public record ProxySettings(Duration connectTimeout, Duration upstreamTimeout, Duration streamTimeout, long maxRequestBytes,
                            long maxUploadBytes, long maxBufferedBodyBytes) {
    /** The default buffered-body budget, 16 MiB: about a third of a 128 MiB heap once each body is held three times. */
    public static final long DEFAULT_BUFFERED = 16L * 1024 * 1024;

    public ProxySettings(Duration connectTimeout, Duration upstreamTimeout, Duration streamTimeout, long maxRequestBytes,
                         long maxUploadBytes) {
        this(connectTimeout, upstreamTimeout, streamTimeout, maxRequestBytes, maxUploadBytes, DEFAULT_BUFFERED);
    }

    public ProxySettings {
        if (maxRequestBytes <= 0 || maxUploadBytes <= 0) {
            throw new IllegalArgumentException("gateway.max-request-bytes and max-upload-bytes must be positive");
        }
    }

    public static ProxySettings from(Config g) {
        return new ProxySettings(g.get("upstream-connect-timeout").as(Duration.class).orElse(Duration.ofSeconds(5)),
                                 g.get("upstream-timeout").as(Duration.class).orElse(Duration.ofSeconds(120)),
                                 g.get("stream-timeout").as(Duration.class).orElse(Duration.ofSeconds(600)),
                                 g.get("max-request-bytes").asLong().orElse(10L * 1024 * 1024),
                                 g.get("max-upload-bytes").asLong().orElse(25L * 1024 * 1024),
                                 g.get("max-buffered-body-bytes").asLong().orElse(DEFAULT_BUFFERED));
    }
}
