package org.routstr.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The npm side of the Nostr tests (src/main/js/nostr, pinned by its package-lock.json): a real relay
 * ({@code @nostr-relay/core} over {@code ws}) on 127.0.0.1, and {@code nostr-tools} verification. Needs {@code node} and
 * {@code npm}: without them the tests FAIL, they are never skipped.
 */
public final class NostrTools {
    private NostrTools() {
    }

    /** The folder with package.json; npm ci runs there once if node_modules is missing (.ci/run does it up front). */
    public static synchronized Path dir() {
        Path d = locate();
        if (!Files.isDirectory(d.resolve("node_modules/@nostr-relay/core")) || !Files.isDirectory(d.resolve("node_modules/nostr-tools"))) {
            run(d, List.of("npm", "ci", "--no-audit", "--no-fund"), null, 300);
        }
        return d;
    }

    /** Starts a relay on an ephemeral port; {@code args} as relay.mjs takes them ({@code --slow-ms 2000}, {@code --reject "blocked: x"}). */
    public static LocalRelay relay(String... args) {
        return LocalRelay.start(dir(), 0, List.of(args));
    }

    /** Runs {@code node verify.mjs} on a JSON array of events; returns its JSON array output. */
    public static String verify(String eventsJson) {
        try {
            Path in = Files.createTempFile("nostr-verify-", ".json");
            Files.writeString(in, eventsJson);
            try {
                return run(dir(), List.of("node", "verify.mjs"), in.toFile(), 60);
            } finally {
                Files.deleteIfExists(in);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path locate() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path d = p.resolve("libs/test-support/src/main/js/nostr");
            if (Files.isRegularFile(d.resolve("package.json"))) {
                return d;
            }
        }
        throw new IllegalStateException("libs/test-support/src/main/js/nostr not found above " + Path.of("").toAbsolutePath());
    }

    static String run(Path dir, List<String> command, File stdin, int timeoutSeconds) {
        requireOnPath(command.get(0));
        try {
            Path err = Files.createTempFile("nostr-tools-", ".err");
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectError(err.toFile());
            pb.redirectInput(stdin == null ? ProcessBuilder.Redirect.from(new File("/dev/null")) : ProcessBuilder.Redirect.from(stdin));
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(command + " timed out");
            }
            String stderr = Files.readString(err);
            Files.delete(err);
            if (p.exitValue() != 0) {
                throw new AssertionError(command + " exited with " + p.exitValue() + ": " + stderr);
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void requireOnPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return;
            }
        }
        throw new AssertionError("'" + tool + "' is not on PATH: the Nostr tests need Node.js 20+ and npm (.ci/run installs them)");
    }

    /** A running relay process; {@link #stop()} ends it, {@link #restart()} brings it back on the same port (empty). */
    public static final class LocalRelay implements AutoCloseable {
        private final Path dir;
        private final List<String> args;
        private final int port;
        private Process process;

        private LocalRelay(Path dir, List<String> args, int port, Process process) {
            this.dir = dir;
            this.args = args;
            this.port = port;
            this.process = process;
        }

        static LocalRelay start(Path dir, int port, List<String> args) {
            requireOnPath("node");
            List<String> cmd = new ArrayList<>(List.of("node", "relay.mjs", "--port", Integer.toString(port)));
            cmd.addAll(args);
            try {
                Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
                String line = readLine(p);
                if (line == null || !line.startsWith("LISTENING ")) {
                    p.destroyForcibly();
                    throw new AssertionError("relay did not start: " + line);
                }
                return new LocalRelay(dir, args, Integer.parseInt(line.substring(10).strip()), p);
            } catch (IOException e) {
                throw new IllegalStateException("cannot start the relay", e);
            }
        }

        private static String readLine(Process p) throws IOException {
            StringBuilder sb = new StringBuilder();
            int c;
            while ((c = p.getInputStream().read()) >= 0 && c != '\n') {
                sb.append((char) c);
            }
            return c < 0 && sb.isEmpty() ? null : sb.toString();
        }

        public String url() {
            return "ws://127.0.0.1:" + port;
        }

        public int port() {
            return port;
        }

        /** Ends the relay (its stdin closes, so it exits; killed if it lingers). */
        public synchronized void stop() {
            if (process == null) {
                return;
            }
            try (OutputStream in = process.getOutputStream()) {
                in.flush();
            } catch (IOException e) {
                // already gone
            }
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }

        /** Starts the relay again on the same port (stored events are gone: it keeps them in memory). */
        public synchronized LocalRelay restart() {
            stop();
            LocalRelay again = start(dir, port, args);
            process = again.process;
            return this;
        }

        @Override
        public void close() {
            stop();
        }
    }
}
