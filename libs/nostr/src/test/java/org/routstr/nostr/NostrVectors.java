package org.routstr.nostr;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Assumptions;

/**
 * The Nostr vectors under {@code routstr.vectors}/nostr (fallback ../../../shared/vectors): absent vectors make a test SKIPPED.
 */
final class NostrVectors {
    private NostrVectors() {
    }

    static Path file(String name) {
        String prop = System.getProperty("routstr.vectors");
        Path root = prop != null && Files.isDirectory(Path.of(prop)) ? Path.of(prop)
                : Path.of("").toAbsolutePath().resolve("../../../shared/vectors").normalize();
        Path f = root.resolve("nostr").resolve(name);
        Assumptions.assumeTrue(Files.isRegularFile(f), "vector file missing: " + f);
        return f;
    }

    static JsonNode json(String name) {
        try {
            return NostrJson.mapper().readTree(file(name).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
