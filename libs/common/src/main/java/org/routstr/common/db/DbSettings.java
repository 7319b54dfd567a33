package org.routstr.common.db;

import java.util.Objects;

import io.helidon.config.Config;

/**
 * Where the database is and how big the pool may be; validated when built so a bad config fails at start-up.
 */
public record DbSettings(String url, String user, String password, int poolSize) {
    public DbSettings {
        Objects.requireNonNull(url, "db.url");
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("db.url must be a jdbc:postgresql: URL");
        }
        if (poolSize < 1 || poolSize > 200) {
            throw new IllegalArgumentException("db.pool-size must be 1..200, was " + poolSize);
        }
    }

    /** Reads the {@code db} node: {@code url}, {@code user}, {@code password}, {@code pool-size}. */
    public static DbSettings from(Config db) {
        return new DbSettings(db.get("url").asString().get(),
                              db.get("user").asString().orElse("postgres"),
                              db.get("password").asString().orElse(""),
                              db.get("pool-size").asInt().orElse(8));
    }

    @Override
    public String toString() {
        return "DbSettings[url=" + url + ", user=" + user + ", poolSize=" + poolSize + "]";
    }
}
