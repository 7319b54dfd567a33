package org.routstr.node;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Issue 11: a service start that hangs ends the launcher's start with the service named and where it hung (the first 20-restart
 * failure was a start that printed nothing for 90 s), and a failing one names its cause.
 */
class StartWatchTest {
    @TempDir
    Path dir;

    @Test
    void aHangingStartFailsWithinItsBoundNamingTheServiceAndWhereItHung() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        long t0 = System.nanoTime();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> StartWatch.run("wallet", () -> {
            try {
                never.await();
            } catch (InterruptedException x) {
                Thread.currentThread().interrupt();
            }
            return "never";
        }, Duration.ofSeconds(1), dir));
        assertThat(e.getMessage(), containsString("wallet did not start within 1 s; it was at "));
        assertThat(e.getMessage(), containsString("CountDownLatch.await"));
        assertThat((System.nanoTime() - t0) < Duration.ofSeconds(30).toNanos(), is(true));
        try (var files = Files.list(dir)) {
            Path dump = files.filter(f -> f.getFileName().toString().startsWith("start-wallet-")).findFirst().orElseThrow();
            assertThat(Files.readString(dump), containsString("start-wallet"));
        }
    }

    @Test
    void aFailingStartNamesTheServiceAndItsCause() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> StartWatch.run("billing", () -> {
            throw new IllegalStateException("cannot create Kafka topics", new java.util.ConcurrentModificationException());
        }, Duration.ofSeconds(30), dir));
        assertThat(e.getMessage(), is("billing failed to start: IllegalStateException: cannot create Kafka topics; caused by"
                                      + " ConcurrentModificationException"));
    }

    @Test
    void aStartThatSucceedsReturnsItsResult() {
        assertThat(StartWatch.run("admin", () -> "up", Duration.ofSeconds(30), dir), is("up"));
    }
}
