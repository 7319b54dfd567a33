package org.routstr.node;

import java.io.PrintStream;
import java.util.function.Supplier;

/**
 * The launcher's console lines: one per startup step with its duration, one per shutdown step.
 */
final class Progress {
    private final PrintStream out;
    private final long started = System.nanoTime();

    Progress(PrintStream out) {
        this.out = out;
    }

    void line(String text) {
        out.println("routstr: " + text);
        out.flush();
    }

    <T> T step(String what, Supplier<T> action) {
        long t0 = System.nanoTime();
        line("starting " + what + " ...");
        T result = action.get();
        line("  ok (" + seconds(System.nanoTime() - t0) + ")");
        return result;
    }

    void stopping(String what, Runnable action) {
        long t0 = System.nanoTime();
        try {
            action.run();
            line("stopped " + what + " (" + seconds(System.nanoTime() - t0) + ")");
        } catch (RuntimeException e) {
            // keep stopping the rest: one stuck part must not keep the others (and the database) running
            line("stopping " + what + " failed: " + e);
        }
    }

    /** Time since the launcher started. */
    String elapsed() {
        return seconds(System.nanoTime() - started);
    }

    private static String seconds(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f s", nanos / 1e9);
    }
}
