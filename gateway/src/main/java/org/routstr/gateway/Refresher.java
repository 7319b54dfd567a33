package org.routstr.gateway;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;

import org.routstr.common.db.DbException;

/**
 * Re-reads cached database state (catalog, BTC rate) every interval, in case a control notice was missed.
 */
final class Refresher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Refresher.class.getName());
    private final Duration interval;
    private final List<Runnable> tasks;
    private volatile boolean closed;
    private Thread thread;

    Refresher(Duration interval, Runnable... tasks) {
        this.interval = interval;
        this.tasks = List.of(tasks);
    }

    Refresher start() {
        thread = Thread.ofVirtual().name("gateway-refresh").start(this::loop);
        return this;
    }

    private void loop() {
        while (!closed) {
            try {
                Thread.sleep(interval);
                tasks.forEach(Runnable::run);
            } catch (InterruptedException e) {
                return;
            } catch (DbException e) {
                LOG.log(Level.WARNING, "refresh failed: " + e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
