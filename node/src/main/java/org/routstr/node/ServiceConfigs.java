package org.routstr.node;

import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import io.helidon.common.media.type.MediaTypes;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.config.spi.ConfigSource;

/**
 * Composes each service's configuration for the one-JVM node. Highest priority first: what the launcher decides (ports,
 * database, broker, the internal token, the gateway's routes), environment variables, the node's config file, launcher
 * defaults (a generated {@code gateway.secret-key}, demo mode's stand-ins), and the service's own {@code application.yaml}
 * (read from its jar, since in one JVM every service's file has the same classpath name).
 */
final class ServiceConfigs {
    private final Optional<Path> file;
    private final Map<String, String> shared;
    private final Map<String, String> defaults;

    /**
     * @param file   the node's config file (service keys at its root, launcher keys under {@code node})
     * @param shared keys every service gets from the launcher (db, kafka, internal token)
     * @param defaults defaults below the environment and the file (generated secrets, demo mode's stand-ins)
     */
    ServiceConfigs(Optional<Path> file, Map<String, String> shared, Map<String, String> defaults) {
        this.file = file;
        this.shared = Map.copyOf(shared);
        this.defaults = Map.copyOf(defaults);
    }

    /**
     * The configuration of one service.
     *
     * @param mainClass the service's {@code Main}, whose code source holds its {@code application.yaml}
     * @param launcher  this service's launcher-decided keys (on top of the shared ones)
     */
    Config compose(Class<?> mainClass, Map<String, String> launcher) {
        Map<String, String> top = new HashMap<>(shared);
        top.putAll(launcher);
        // the launcher stops the services in order on SIGTERM; Helidon's own hook would stop them all at once
        top.put("server.shutdown-hook", "false");
        List<Supplier<? extends ConfigSource>> sources = new ArrayList<>();
        sources.add(ConfigSources.create(top).name("launcher").build());
        sources.add(ConfigSources.environmentVariables());
        file.ifPresent(f -> sources.add(ConfigSources.file(f).build()));
        if (!defaults.isEmpty()) {
            sources.add(ConfigSources.create(defaults).name("launcher defaults").build());
        }
        sources.add(ConfigSources.url(applicationYaml(mainClass)).mediaType(MediaTypes.APPLICATION_X_YAML).build());
        return Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .sources(sources).build();
    }

    /** Whether the service's effective config has a non-empty node at {@code key} (a list or object with entries). */
    boolean hasEntries(Class<?> mainClass, String key) {
        return compose(mainClass, Map.of()).get(key).asNodeList().map(l -> !l.isEmpty()).orElse(false);
    }

    static URL applicationYaml(Class<?> mainClass) {
        try {
            Path loc = Path.of(mainClass.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(loc)) {
                return loc.resolve("application.yaml").toUri().toURL();
            }
            return new URL("jar:" + loc.toUri() + "!/application.yaml");
        } catch (URISyntaxException | MalformedURLException e) {
            throw new IllegalStateException("cannot locate application.yaml of " + mainClass.getName(), e);
        }
    }
}
