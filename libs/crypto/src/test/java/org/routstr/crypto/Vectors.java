package org.routstr.crypto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;

/**
 * Loads published test vectors from the directory in system property {@code routstr.vectors}
 * (fallback: {@code ../../../shared/vectors} from the module directory). Missing vectors make the test SKIPPED.
 */
public final class Vectors {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Vectors() {
    }

    /** The vectors root, or a failed assumption if it does not exist. */
    public static Path root() {
        String prop = System.getProperty("routstr.vectors");
        if (prop != null && Files.isDirectory(Path.of(prop))) {
            return Path.of(prop);
        }
        // Surefire's default points next to the reactor root; when built from elsewhere resolve from the module dir
        Path fallback = Path.of("").toAbsolutePath().resolve("../../../shared/vectors").normalize();
        Assumptions.assumeTrue(Files.isDirectory(fallback), "test vectors not found (routstr.vectors=" + prop + ")");
        return fallback;
    }

    /** Parses a JSON vector file relative to the root, e.g. {@code cashu/json/nut00.json}. */
    public static JsonNode json(String relative) {
        Path file = root().resolve(relative);
        Assumptions.assumeTrue(Files.isRegularFile(file), "vector file missing: " + relative);
        try {
            return MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
