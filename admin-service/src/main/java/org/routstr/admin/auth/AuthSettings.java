package org.routstr.admin.auth;

import java.time.Duration;
import java.util.Optional;

import io.helidon.config.Config;

import org.routstr.nostr.Nip19;

/**
 * {@code admin.auth}: session idle and absolute expiry, lockout threshold and its longest backoff, the Argon2id work
 * factor, whether the session cookie is marked Secure (set it behind TLS), and the admin npub of NIP-98 login.
 */
public record AuthSettings(Duration idle, Duration absolute, int lockThreshold, Duration lockMax, int argonMemoryKib,
                           int argonIterations, int argonParallelism, boolean secureCookie, Optional<String> nostrPubkey) {
    public AuthSettings {
        if (idle.isNegative() || idle.isZero() || absolute.compareTo(idle) < 0) {
            throw new IllegalArgumentException("admin.auth: idle-timeout > 0 and absolute-timeout >= idle-timeout");
        }
        if (lockThreshold < 1 || lockMax.toSeconds() < 1) {
            throw new IllegalArgumentException("admin.auth: lock-threshold >= 1 and lock-max >= 1 s");
        }
    }

    /** Reads {@code admin.auth} (defaults: 30 min idle, 12 h absolute, lock after 5 failures up to 15 min, 32 MiB x 2). */
    public static AuthSettings from(Config c) {
        return new AuthSettings(c.get("idle-timeout").as(Duration.class).orElse(Duration.ofMinutes(30)),
                                c.get("absolute-timeout").as(Duration.class).orElse(Duration.ofHours(12)),
                                c.get("lock-threshold").asInt().orElse(5),
                                c.get("lock-max").as(Duration.class).orElse(Duration.ofMinutes(15)),
                                c.get("argon2.memory-kib").asInt().orElse(49152),
                                c.get("argon2.iterations").asInt().orElse(4),
                                c.get("argon2.parallelism").asInt().orElse(1),
                                c.get("secure-cookie").asBoolean().orElse(false),
                                nostrPubkey(c.get("nostr-npub").asString().orElse("").strip()));
    }

    /** {@code nostr-npub}: the admin's npub (or 64 hex) whose NIP-98 signature logs in; empty: Nostr login is off. */
    private static Optional<String> nostrPubkey(String v) {
        if (v.isEmpty()) {
            return Optional.empty();
        }
        String hex = v.startsWith("npub1") ? Nip19.decode32(v, "npub") : v.toLowerCase(java.util.Locale.ROOT);
        if (!hex.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("admin.auth.nostr-npub must be an npub or 64 hex characters");
        }
        return Optional.of(hex);
    }
}
