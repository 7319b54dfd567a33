package org.routstr.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

import io.helidon.common.media.type.MediaTypes;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

import org.routstr.common.server.RunningService;

/**
 * The entry point of one service JVM of the cluster: {@code ChildMain <service> <file.properties>}. The class path holds
 * every service, so each one's {@code application.yaml} (same resource name in every jar) is read from its own jar, under
 * the cluster's keys from the properties file. Prints {@code READY <port> <internal-port>} once it serves.
 */
public final class ChildMain {
    private static final Map<String, Class<?>> MAINS = Map.of(
            "gateway", org.routstr.gateway.Main.class, "billing", org.routstr.billing.Main.class,
            "wallet", org.routstr.wallet.Main.class, "admin", org.routstr.admin.Main.class,
            "discovery", org.routstr.discovery.Main.class);
    private static final Map<String, Function<Config, RunningService>> STARTS = Map.of(
            "gateway", org.routstr.gateway.Main::start, "billing", org.routstr.billing.Main::start,
            "wallet", org.routstr.wallet.Main::start, "admin", org.routstr.admin.Main::start,
            "discovery", org.routstr.discovery.Main::start);

    private ChildMain() {
    }

    public static void main(String[] args) throws IOException {
        String service = args[0];
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(args[1]))) {
            p.load(in);
        }
        Map<String, String> keys = new HashMap<>();
        p.stringPropertyNames().forEach(k -> keys.put(k, p.getProperty(k)));
        Config config = Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .sources(ConfigSources.create(keys).name("cluster").build(),
                         ConfigSources.url(applicationYaml(MAINS.get(service))).mediaType(MediaTypes.APPLICATION_X_YAML).build())
                .build();
        RunningService s = STARTS.get(service).apply(config);
        Runtime.getRuntime().addShutdownHook(new Thread(s::stop, service + "-shutdown"));
        System.out.println("READY " + s.port() + " " + s.internalPort());
        System.out.flush();
    }

    private static URL applicationYaml(Class<?> main) {
        try {
            Path loc = Path.of(main.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isDirectory(loc) ? loc.resolve("application.yaml").toUri().toURL()
                    : new URL("jar:" + loc.toUri() + "!/application.yaml");
        } catch (URISyntaxException | MalformedURLException e) {
            throw new UncheckedIOException(new IOException("no application.yaml for " + main.getName(), e));
        }
    }
}
