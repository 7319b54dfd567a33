package org.routstr.common.server;

import java.util.ArrayDeque;
import java.util.Deque;

import io.helidon.webserver.WebServer;

/**
 * A started service: its port, and a {@link #stop()} that closes it in order (the web server first, so in-flight requests
 * finish, then whatever was registered with {@link #onStop(AutoCloseable)} in reverse order: consumers, producers, pools).
 */
public final class RunningService implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RunningService.class.getName());
    private final String name;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private volatile WebServer server;
    private boolean stopped;

    public RunningService(String name) {
        this.name = name;
    }

    /** Registers something to close after the server stops (closed last-registered first). */
    public synchronized <T extends AutoCloseable> T onStop(T resource) {
        resources.push(resource);
        return resource;
    }

    /** Sets the started server. */
    public RunningService server(WebServer server) {
        this.server = server;
        return this;
    }

    public String name() {
        return name;
    }

    /** The port the server listens on. */
    public int port() {
        return server.port();
    }

    /** The port of the internal socket (metrics and detailed health; never exposed publicly). */
    public int internalPort() {
        int p = server.port(Servers.INTERNAL);
        return p > 0 ? p : server.port();
    }

    /** Stops the server, then closes the registered resources; safe to call twice. */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        if (server != null) {
            server.stop();
        }
        while (!resources.isEmpty()) {
            AutoCloseable r = resources.pop();
            try {
                r.close();
            } catch (Exception e) {
                // keep closing the rest: one stuck resource must not keep the others open
                LOG.log(System.Logger.Level.WARNING, name + ": closing " + r.getClass().getSimpleName() + " failed: " + e);
            }
        }
    }

    @Override
    public void close() {
        stop();
    }
}
