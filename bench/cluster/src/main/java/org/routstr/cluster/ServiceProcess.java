package org.routstr.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * One service of the cluster in its own JVM on a fixed loopback port (kept across restarts, so the others find it
 * again): started, killed with {@code kill -9}, stopped with SIGTERM, restarted. Output goes to {@code <dir>/<name>.log}.
 */
public final class ServiceProcess {
    private final String name;
    private final String service;
    private final int port;
    private final Path dir;
    private final Path props;
    private final List<String> jvmFlags;
    private volatile Process process;
    private int restarts;

    ServiceProcess(String name, String service, int port, Path dir, Map<String, String> config, List<String> jvmFlags) {
        this.name = name;
        this.service = service;
        this.port = port;
        this.dir = dir;
        this.props = dir.resolve(name + ".properties");
        this.jvmFlags = List.copyOf(jvmFlags);
        Properties p = new Properties();
        p.putAll(config);
        p.put("server.host", "127.0.0.1");
        p.put("server.port", Integer.toString(port));
        p.put("server.internal-port", "0");
        try (var out = Files.newOutputStream(props)) {
            p.store(out, name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String name() {
        return name;
    }

    public String service() {
        return service;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public long pid() {
        Process p = process;
        return p == null ? -1 : p.pid();
    }

    public boolean alive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    public int restarts() {
        return restarts;
    }

    /** Launches the JVM; {@link #awaitReady} waits until it serves. */
    public synchronized void launch() {
        if (alive()) {
            return;
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmFlags);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ChildMain.class.getName());
        cmd.add(service);
        cmd.add(props.toString());
        try {
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    public void awaitReady(long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            Process p = process;
            if (p == null || !p.isAlive()) {
                throw new IllegalStateException(name + " exited; see " + dir.resolve(name + ".log"));
            }
            if (listening(port)) {
                return;
            }
            Cluster.sleep(100);
        }
        throw new IllegalStateException(name + " did not listen on " + port + " within " + timeoutMs + " ms");
    }

    /** {@code kill -9}: nothing of the process runs its shutdown. */
    public void kill9() {
        end(true);
    }

    /** SIGTERM and wait (the service's own orderly stop). */
    public void stop() {
        end(false);
    }

    public void restart(long timeoutMs) {
        restarts++;
        launch();
        awaitReady(timeoutMs);
    }

    private synchronized void end(boolean force) {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        if (force) {
            p.destroyForcibly();
        } else {
            p.destroy();
        }
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
        long deadline = System.currentTimeMillis() + 10_000;
        while (listening(port) && System.currentTimeMillis() < deadline) {
            Cluster.sleep(50);
        }
    }

    static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
