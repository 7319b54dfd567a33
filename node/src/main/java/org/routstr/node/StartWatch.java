package org.routstr.node;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import com.sun.management.HotSpotDiagnosticMXBean;

/**
 * Runs one service's start on its own thread and waits a bounded time: a start that fails names its cause, and one that
 * hangs is reported with where it hangs (its stack in the message, every thread's in a dump file) instead of leaving the
 * launcher silent forever.
 */
final class StartWatch {
    private StartWatch() {
    }

    static <T> T run(String name, Supplier<T> start, Duration timeout, Path dumpDir) {
        CompletableFuture<T> done = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().daemon(true).name("start-" + name).start(() -> {
            try {
                done.complete(start.get());
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        });
        try {
            return done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(name + " failed to start: " + Node.cause(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            String at = Arrays.stream(t.getStackTrace()).limit(12).map(StackTraceElement::toString)
                    .collect(Collectors.joining(" < "));
            throw new IllegalStateException(name + " did not start within " + timeout.toSeconds() + " s; it was at " + at
                                            + "; every thread in " + dump(dumpDir, name));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting " + name, e);
        }
    }

    /** A dump of every thread, virtual ones too, next to the node's log. */
    private static String dump(Path dir, String name) {
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve("start-" + name + "-" + System.currentTimeMillis() + ".threads.txt");
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
            return file.toString();
        } catch (Exception e) {
            return "(no dump: " + e + ")";
        }
    }
}
