package org.routstr.gateway;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import org.routstr.common.json.Json;

/**
 * Runs the Node scripts of {@code src/test/js} (official JS SDKs, a headless browser) and returns the JSON they print.
 * Installs the pinned packages there when {@code node_modules} is missing ({@code .ci/run} installs them up front).
 */
public final class NodeScripts {
    public static final Path DIR = Path.of("src/test/js").toAbsolutePath();

    private NodeScripts() {
    }

    /** Runs {@code node <script>} with {@code env}; fails with the script's stderr unless it exits 0 within the timeout. */
    public static JsonNode run(String script, Map<String, String> env, long timeoutSeconds) throws IOException, InterruptedException {
        install();
        Path err = Files.createTempFile("node-err", ".txt");
        Path out = Files.createTempFile("node-out", ".json");
        try {
            ProcessBuilder pb = new ProcessBuilder("node", script).directory(DIR.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(script + " timed out: " + Files.readString(err));
            }
            if (p.exitValue() != 0) {
                throw new AssertionError(script + " exited " + p.exitValue() + ": " + Files.readString(err));
            }
            List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
            return Json.parse(lines.getLast().getBytes(StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(err);
            Files.deleteIfExists(out);
        }
    }

    private static synchronized void install() throws IOException, InterruptedException {
        if (Files.isDirectory(DIR.resolve("node_modules"))) {
            return;
        }
        Process p = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund").directory(DIR.toFile())
                .redirectErrorStream(true).redirectOutput(new File("target/npm-install.log")).start();
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("npm install in " + DIR + " failed; see target/npm-install.log");
        }
    }
}
