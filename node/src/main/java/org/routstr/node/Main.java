package org.routstr.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import io.helidon.webserver.WebServer;

import sun.misc.Signal;

import org.routstr.common.http.ErrorHandlers;
import org.routstr.common.json.Json;
import org.routstr.node.demo.DemoHttpService;
import org.routstr.node.demo.DemoInfra;

/**
 * {@code ./routstr up}: starts a whole node in this JVM and stops it in order on Ctrl-C or SIGTERM. Settings come from
 * {@code ROUTSTR_*} environment variables and an optional {@code routstr.yaml} (see README.md).
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        Progress progress = new Progress(System.out);
        NodeSettings settings;
        try {
            settings = NodeSettings.load(System.getenv());
        } catch (IllegalArgumentException e) {
            progress.line("configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        Path log = LogSetup.toFolder(settings.logsDir());
        Node node = new Node(progress);
        Runnable stop = () -> {
            progress.line("stopping (gateway first, then billing after draining, then the rest) ...");
            node.stop();
            deleteNodeJson(settings.dataDir());
            progress.line("stopped cleanly");
        };
        AtomicBoolean stopping = new AtomicBoolean();
        // our own handlers, not a shutdown hook: hooks run concurrently (Helidon's would stop every server at once)
        for (String sig : new String[] {"TERM", "INT"}) {
            // not a daemon (the signal thread is one, and its children inherit that): the JVM must not exit mid-stop
            Signal.handle(new Signal(sig), s -> {
                if (stopping.compareAndSet(false, true)) {
                    Thread.ofPlatform().name("routstr-stop").daemon(false).start(() -> {
                        stop.run();
                        System.exit(0);
                    });
                } else {
                    progress.line("already stopping; waiting for the services to finish");
                }
            });
        }
        try {
            run(settings, node, progress, log);
        } catch (RuntimeException e) {
            progress.line("FAILED to start: " + Node.cause(e) + " (details in " + log + ")");
            System.getLogger(Main.class.getName()).log(System.Logger.Level.ERROR, "node failed to start", e);
            node.stop();
            System.exit(1);
        }
    }

    private static void run(NodeSettings s, Node node, Progress progress, Path log) {
        progress.line("data folder " + s.dataDir() + s.configFile().map(f -> ", config file " + f).orElse(""));
        String token = internalToken(s.dataDir());
        Optional<Node.DemoPlan> demo = DemoMode.plan(s);
        demo.ifPresent(d -> progress.line("DEMO MODE: no upstream is configured, so a local stand-in upstream and a test mint"
                                          + " with fake Lightning are used (fake money, nothing leaves this machine)"));
        String host = s.host().isEmpty() ? (demo.isPresent() ? "127.0.0.1" : "0.0.0.0") : s.host();
        NodeSettings eff = new NodeSettings(s.dataDir(), s.configFile(), host, s.port(), s.dbUrl(), s.dbUser(), s.dbPassword(),
                                            s.kafka(), s.demo(), s.demoPort(), s.demoMintPort(), s.demoUpstreamPort(), s.dbDurable());
        // encrypts upstream API keys and the Nostr nsec at rest; below the environment and the config file, so
        // GATEWAY_SECRET_dash_KEY and DISCOVERY_SECRET_dash_KEY still win
        String secret = kept(s.dataDir(), "gateway-secret.key");
        Map<String, String> defaults = Map.of("gateway.secret-key", secret, "discovery.secret-key", secret);
        Node.Started started = node.start(eff, token, defaults, demo);
        Optional<String> demoUrl = demo.map(d -> startFaucet(node, s.demoPort()));
        String shown = host.equals("0.0.0.0") ? "127.0.0.1" : host;
        String base = "http://" + shown + ":" + started.gatewayPort();
        writeNodeJson(s.dataDir(), base, started, demoUrl, log);
        progress.line("ready in " + progress.elapsed() + " (JVM up " + ManagementFactory.getRuntimeMXBean().getUptime() + " ms)");
        System.out.println();
        System.out.println("  API          " + base + "/v1        (OpenAI-compatible; bare health at " + base + "/health/ready)");
        System.out.println("  admin API    " + base + "/admin/api/  (log in: POST /admin/api/auth/login {\"password\"})");
        System.out.println(org.routstr.admin.auth.Authenticator.takeFirstPassword()
                .map(p -> "  admin login  user admin, one-time password " + p + "  (shown once; a new one is required at first login)")
                .orElse("  admin login  user admin, with the password you set"));
        demoUrl.ifPresent(u -> System.out.println("  demo tokens  curl -s -X POST " + u + "/demo/token -d '{\"amount_sat\":2000}'"
                                                  + "   (or ./routstr demo-token 2000)"));
        System.out.println("  internal     " + started.internalPorts() + " on 127.0.0.1");
        System.out.println("  metrics      " + started.metricsPorts() + " on 127.0.0.1 (/metrics, detailed /health; never public)");
        System.out.println("  logs         " + log);
        System.out.println("  stop         Ctrl-C (or SIGTERM)");
        System.out.flush();
    }

    private static String startFaucet(Node node, int port) {
        WebServer server = WebServer.builder().host("127.0.0.1").port(port).shutdownHook(false)
                .routing(r -> {
                    ErrorHandlers.register(r);
                    r.register(new DemoHttpService(node.demo().orElseThrow()));
                })
                .build().start();
        if (!server.isRunning()) {
            throw new IllegalStateException("the demo token faucet cannot listen on 127.0.0.1:" + port + " (port in use?)");
        }
        node.onStop("demo token faucet", server::stop);
        return "http://127.0.0.1:" + server.port();
    }

    /** The shared secret of internal calls: {@code INTERNAL_TOKEN}, else one generated once and kept in the data folder. */
    static String internalToken(Path dataDir) {
        String env = System.getenv("INTERNAL_TOKEN");
        return env != null && !env.isBlank() ? env : kept(dataDir, "internal.token");
    }

    /** A random secret generated on first use and kept (0600) in the data folder, so restarts see the same one. */
    static String kept(Path dataDir, String name) {
        Path file = dataDir.resolve(name);
        try {
            Files.createDirectories(dataDir);
            if (Files.isRegularFile(file)) {
                return Files.readString(file).strip();
            }
            byte[] b = new byte[32];
            new SecureRandom().nextBytes(b);
            String secret = HexFormat.of().formatHex(b);
            Path tmp = Files.createTempFile(dataDir, name, ".tmp",
                                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, secret);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the secret " + file, e);
        }
    }

    private static void deleteNodeJson(Path dataDir) {
        try {
            Files.deleteIfExists(dataDir.resolve("node.json"));
        } catch (IOException e) {
            System.getLogger(Main.class.getName()).log(System.Logger.Level.WARNING, "cannot delete node.json: " + e);
        }
    }

    /** Where a running node can be reached; {@code ./routstr demo-token} and the end-to-end test read it. */
    private static void writeNodeJson(Path dataDir, String base, Node.Started st, Optional<String> demoUrl, Path log) {
        var json = Json.object().put("pid", ProcessHandle.current().pid()).put("api", base).put("db_url", st.embeddedDb() ? st.dbUrl() : "external")
                .put("kafka", st.kafka()).put("log", log.toString());
        demoUrl.ifPresent(u -> json.put("demo", u));
        st.internalPorts().forEach((k, v) -> json.with("internal").put(k, "http://127.0.0.1:" + v));
        st.metricsPorts().forEach((k, v) -> json.with("metrics").put(k, "http://127.0.0.1:" + v));
        try {
            Path tmp = dataDir.resolve("node.json.tmp");
            Files.write(tmp, Json.bytes(json));
            Files.move(tmp, dataDir.resolve("node.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write node.json", e);
        }
    }
}
