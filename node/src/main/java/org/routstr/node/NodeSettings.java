package org.routstr.node;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

/**
 * The launcher's own settings: the {@code node.*} keys of the optional config file, each overridable by an environment
 * variable {@code ROUTSTR_<KEY>} (upper case, {@code -} → {@code _}), for example {@code ROUTSTR_DATA_DIR}.
 */
record NodeSettings(Path dataDir, Optional<Path> configFile, String host, int port, Optional<String> dbUrl, String dbUser,
                    String dbPassword, Optional<String> kafka, Demo demo, int demoPort, int demoMintPort,
                    int demoUpstreamPort, boolean dbDurable) {

    /** Whether demo mode runs: {@code auto} means "when no upstream is configured". */
    enum Demo { AUTO, ON, OFF }

    NodeSettings {
        if (port < 0 || port > 65535 || demoPort < 0 || demoMintPort < 0 || demoUpstreamPort < 0) {
            throw new IllegalArgumentException("ports must be 0..65535");
        }
        if (dbUrl.isPresent() && !dbUrl.get().startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("node.db-url (ROUTSTR_DB_URL) must be a jdbc:postgresql: URL");
        }
    }

    /** Reads the file named by {@code ROUTSTR_CONFIG} (default {@code ./routstr.yaml} if it exists) and the environment. */
    static NodeSettings load(Map<String, String> env) {
        Optional<Path> file = Optional.ofNullable(env.get("ROUTSTR_CONFIG")).map(Path::of)
                .or(() -> Optional.of(Path.of("routstr.yaml")).filter(Files::isRegularFile));
        file.filter(f -> !Files.isRegularFile(f)).ifPresent(f -> {
            throw new IllegalArgumentException("config file " + f.toAbsolutePath() + " (ROUTSTR_CONFIG) does not exist");
        });
        Config node = file.map(f -> Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                                         .addSource(ConfigSources.file(f)).build().get("node"))
                .orElseGet(Config::empty);
        Reader r = new Reader(node, env);
        // a relative data-dir in the file means next to the file; in ROUTSTR_DATA_DIR, relative to the working directory
        Path base = env.containsKey("ROUTSTR_DATA_DIR") || file.isEmpty() ? Path.of("")
                : file.get().toAbsolutePath().getParent();
        return new NodeSettings(base.resolve(r.string("data-dir").orElse(".routstr/data")).toAbsolutePath().normalize(),
                                file.map(f -> f.toAbsolutePath().normalize()),
                                r.string("host").orElse(""),
                                r.integer("port", 8000),
                                r.string("db-url"),
                                r.string("db-user").orElse("postgres"),
                                r.string("db-password").orElse(""),
                                r.string("kafka"),
                                Demo.valueOf(r.string("demo").orElse("auto").toUpperCase(java.util.Locale.ROOT)
                                                     .replace("TRUE", "ON").replace("FALSE", "OFF")),
                                r.integer("demo-port", 8010),
                                r.integer("demo-mint-port", 3338),
                                r.integer("demo-upstream-port", 8011),
                                r.bool("db-durable", true));
    }

    /** The embedded PostgreSQL cluster's folder. */
    Path postgresDir() {
        return dataDir.resolve("postgres");
    }

    /** The embedded broker's log folder. */
    Path kafkaDir() {
        return dataDir.resolve("kafka");
    }

    Path logsDir() {
        return dataDir.resolve("logs");
    }

    /** Environment first, then the file's {@code node} section. */
    private record Reader(Config node, Map<String, String> env) {
        Optional<String> string(String key) {
            String name = "ROUTSTR_" + key.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
            return Optional.ofNullable(env.get(name)).filter(v -> !v.isBlank())
                    .or(() -> node.get(key).asString().asOptional());
        }

        boolean bool(String key, boolean dflt) {
            return string(key).map(v -> switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "true", "on", "yes" -> true;
                case "false", "off", "no" -> false;
                default -> throw new IllegalArgumentException("node." + key + " must be true or false, was " + v);
            }).orElse(dflt);
        }

        int integer(String key, int dflt) {
            return string(key).map(v -> {
                try {
                    return Integer.parseInt(v.trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("node." + key + " must be a number, was " + v);
                }
            }).orElse(dflt);
        }
    }
}
