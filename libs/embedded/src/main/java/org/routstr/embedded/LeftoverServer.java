package org.routstr.embedded;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL server that outlived the JVM which started it (kill -9, OOM kill): the embedded server is a child process,
 * so nothing stops it when its parent dies, and the next start on the same data folder would fail. Recognised by the
 * folder's {@code postmaster.pid} (its first line the postmaster's pid, its second the data folder) naming a live
 * {@code postgres} process of this very folder, and stopped: SIGTERM (a smart shutdown, immediate since its clients died
 * with the JVM; committed transactions are on disk), SIGKILL only if it ignores that for a minute (the next start then
 * recovers from the WAL). A stale file of a dead process is left to PostgreSQL, which replaces it itself.
 */
final class LeftoverServer {
    private static final System.Logger LOG = System.getLogger(LeftoverServer.class.getName());
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private LeftoverServer() {
    }

    static void stopIfRunning(Path dataDir) {
        Optional<ProcessHandle> server = find(dataDir);
        if (server.isEmpty()) {
            return;
        }
        ProcessHandle p = server.get();
        LOG.log(Level.WARNING, "a PostgreSQL server (pid " + p.pid() + ") is still running on " + dataDir
                               + ", left by a process that did not stop it; stopping it before starting again");
        p.destroy();
        try {
            p.onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            p.destroyForcibly();
            p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(x -> p).join();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("waiting for the leftover PostgreSQL " + p.pid() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the leftover PostgreSQL " + p.pid(), e);
        }
        if (p.isAlive()) {
            throw new IllegalStateException("the leftover PostgreSQL server (pid " + p.pid() + ") on " + dataDir
                                            + " did not stop; stop it by hand");
        }
    }

    /** The live postmaster of {@code dataDir}, if its pid file names one. */
    static Optional<ProcessHandle> find(Path dataDir) {
        Path pidFile = dataDir.resolve("postmaster.pid");
        List<String> lines;
        try {
            lines = Files.isRegularFile(pidFile) ? Files.readAllLines(pidFile) : List.of();
        } catch (IOException e) {
            return Optional.empty();
        }
        if (lines.size() < 2 || !lines.get(0).strip().matches("\\d{1,10}")) {
            return Optional.empty();
        }
        if (!samePath(Path.of(lines.get(1).strip()), dataDir)) {
            return Optional.empty();
        }
        return ProcessHandle.of(Long.parseLong(lines.get(0).strip()))
                .filter(ProcessHandle::isAlive)
                .filter(h -> h.info().command().map(c -> Path.of(c).getFileName().toString().startsWith("postgres")).orElse(false));
    }

    private static boolean samePath(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }
}
