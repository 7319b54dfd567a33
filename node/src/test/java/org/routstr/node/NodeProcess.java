package org.routstr.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import org.routstr.common.json.Json;

/**
 * The launcher as a separate JVM on the test's class path (the module's runtime classpath), as a user would run it: its
 * console goes to a file, readiness is its "ready" line, and {@link #terminate()} sends SIGTERM.
 */
final class NodeProcess implements AutoCloseable {
    private final Process process;
    private final Path dataDir;
    private final Path console;

    private NodeProcess(Process process, Path dataDir, Path console) {
        this.process = process;
        this.dataDir = dataDir;
        this.console = console;
    }

    /** Starts the launcher with these {@code ROUTSTR_*} variables; {@code console} collects its output. */
    static NodeProcess start(Path dataDir, Map<String, String> env, Path console) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                                                   "org.routstr.node.Main"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(console.toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("ROUTSTR_"));
        pb.environment().putAll(env);
        pb.environment().put("ROUTSTR_DATA_DIR", dataDir.toString());
        try {
            return new NodeProcess(pb.start(), dataDir, console);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for the "ready" line; fails early with the console when the process dies or reports a failure. */
    JsonNode awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String out = output();
            if (out.contains("routstr: ready in ") && Files.exists(dataDir.resolve("node.json"))) {
                return nodeJson();
            }
            if (!process.isAlive() || out.contains("FAILED to start")) {
                throw new AssertionError("node did not start:\n" + out);
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new AssertionError("node not ready after " + timeout + ":\n" + output() + diagnostics());
    }

    /**
     * What a hung start was doing, kept past the test's temporary folder: every thread (virtual ones too) of the node and
     * its log, copied under {@code target/node-diagnostics}; the message names the copy and shows the log's tail.
     */
    private String diagnostics() {
        try {
            Path keep = Path.of("target", "node-diagnostics", "pid-" + process.pid()).toAbsolutePath();
            Files.createDirectories(keep);
            Path dump = keep.resolve("threads.txt");
            String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
            new ProcessBuilder(jcmd, Long.toString(process.pid()), "Thread.dump_to_file", "-format=text", dump.toString())
                    .redirectErrorStream(true).redirectOutput(keep.resolve("jcmd.txt").toFile()).start().waitFor(60, TimeUnit.SECONDS);
            Path log = dataDir.resolve("logs").resolve("node.0.log");
            List<String> tail = List.of();
            if (Files.exists(log)) {
                Files.copy(log, keep.resolve("node.0.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                List<String> lines = Files.readAllLines(log);
                tail = lines.subList(Math.max(0, lines.size() - 60), lines.size());
            }
            return "\nthreads and log kept in " + keep + "\nlog tail:\n" + String.join("\n", tail);
        } catch (IOException | RuntimeException e) {
            return "\n(no diagnostics: " + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    JsonNode nodeJson() {
        try {
            return Json.parse(Files.readAllBytes(dataDir.resolve("node.json")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGTERM, then waits for the exit; returns the exit code. */
    int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("node did not stop within " + timeout + " after SIGTERM:\n" + output());
        }
        return process.exitValue();
    }

    /** SIGKILL, as an OOM killer or a power cut would end it: no hook, no orderly stop. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("node survived SIGKILL");
        }
    }

    long pid() {
        return process.pid();
    }

    String output() {
        try {
            return Files.readString(console);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A free loopback port, never one handed out before in this JVM: two port-0 sockets opened one after another can be
     * given the same port, and NodeRestartTest once started the gateway and the demo faucet on one ("Address already in use").
     */
    static int freePort() {
        return org.routstr.embedded.FixedPorts.next();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
