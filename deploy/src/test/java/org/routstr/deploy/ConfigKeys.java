package org.routstr.deploy;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.Yaml;

/**
 * The config keys a service really has: every leaf of its {@code application.yaml}, plus the keys of list items the code
 * reads (the gateway's providers and their models, read in {@code ProviderSeed}). Environment names map to keys the way
 * Helidon reads them: upper case, {@code _} for {@code .}, {@code _dash_} for {@code -}, list items by index.
 */
final class ConfigKeys {
    private static final Pattern READ = Pattern.compile("(?:c\\.get\\(|\\(c, )\"([a-z][a-z0-9-]*)\"");
    private final Set<String> keys;

    private ConfigKeys(Set<String> keys) {
        this.keys = keys;
    }

    static ConfigKeys of(String service) {
        Path module = Manifests.REPO.resolve(service);
        Set<String> keys = new TreeSet<>();
        Object yaml = new Yaml().load(Manifests.read(module.resolve("src/main/resources/application.yaml")));
        flatten("", yaml, keys);
        if (service.equals("gateway")) {
            String seed = Manifests.read(module.resolve("src/main/java/org/routstr/gateway/catalog/ProviderSeed.java"));
            Matcher m = READ.matcher(seed);
            while (m.find()) {
                keys.add("gateway.providers.[]." + m.group(1));
                keys.add("gateway.providers.[].models.[]." + m.group(1));
            }
        }
        return new ConfigKeys(keys);
    }

    /** The config key an environment variable sets, with list indices as {@code []}. */
    static String keyOf(String env) {
        String k = env.replace("_dash_", "\u0000").toLowerCase(Locale.ROOT).replace('_', '.').replace('\u0000', '-');
        return k.replaceAll("(^|\\.)\\d+(?=\\.|$)", "$1[]");
    }

    boolean has(String env) {
        return keys.contains(keyOf(env));
    }

    private static void flatten(String prefix, Object node, Set<String> out) {
        if (node instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                flatten(prefix.isEmpty() ? e.getKey().toString() : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else if (node instanceof List<?> l) {
            out.add(prefix);
            for (Object item : l) {
                flatten(prefix + ".[]", item, out);
            }
        } else {
            out.add(prefix);
        }
    }
}
