package org.routstr.deploy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.routstr.deploy.Manifests.kind;
import static org.routstr.deploy.Manifests.list;
import static org.routstr.deploy.Manifests.name;
import static org.routstr.deploy.Manifests.podSpec;
import static org.routstr.deploy.Manifests.str;

/**
 * What a rendered Deployment or Job gives its first container: the environment (literal values, ConfigMaps through
 * {@code envFrom}, secret references resolved against the given secrets, as {@code kubectl create secret} would hold them),
 * the memory limit and the command.
 */
record ServiceEnv(String image, Map<String, String> env, long memoryLimitBytes, List<String> command) {

    /** {@code secrets}: secret name to its keys and values. */
    static ServiceEnv of(List<Map<String, Object>> all, String kindName, String workload, Map<String, Map<String, String>> secrets) {
        Map<String, Object> w = kind(all, kindName).stream().filter(o -> workload.equals(name(o))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kindName + " " + workload));
        Map<String, Object> c = list(podSpec(w), "containers").getFirst();
        Map<String, String> env = new LinkedHashMap<>();
        for (Map<String, Object> from : list(c, "envFrom")) {
            String cm = str(from, "configMapRef", "name");
            if (cm != null) {
                Invariants.configMap(all, cm).forEach((k, v) -> env.put(k, String.valueOf(v)));
            }
            String secret = str(from, "secretRef", "name");
            if (secret != null) {
                env.putAll(secrets.getOrDefault(secret, Map.of()));
            }
        }
        for (Map<String, Object> e : list(c, "env")) {
            String n = str(e, "name");
            if (str(e, "value") != null) {
                env.put(n, str(e, "value"));
                continue;
            }
            String secret = str(e, "valueFrom", "secretKeyRef", "name");
            String key = str(e, "valueFrom", "secretKeyRef", "key");
            String value = secrets.getOrDefault(secret, Map.of()).get(key);
            if (value != null) {
                env.put(n, value);
            } else if (!"true".equals(str(e, "valueFrom", "secretKeyRef", "optional"))) {
                throw new AssertionError(workload + " needs secret " + secret + "/" + key);
            }
        }
        @SuppressWarnings("unchecked")
        List<String> command = (List<String>) Manifests.at(c, "command");
        return new ServiceEnv(str(c, "image"), env, bytes(str(c, "resources", "limits", "memory")),
                              command == null ? List.of() : command.stream().map(String::valueOf).toList());
    }

    /** The same with some variables replaced; each must already be set by the manifests unless listed in {@code added}. */
    ServiceEnv with(Map<String, String> overrides, List<String> added) {
        Map<String, String> e = new LinkedHashMap<>(env);
        overrides.forEach((k, v) -> {
            if (!e.containsKey(k) && !added.contains(k)) {
                throw new AssertionError(k + " is not set by the manifests of " + image + "; the test may only change what they set");
            }
            e.put(k, v);
        });
        return new ServiceEnv(image, e, memoryLimitBytes, command);
    }

    static long bytes(String quantity) {
        if (quantity == null) {
            throw new AssertionError("no memory limit");
        }
        for (String[] u : new String[][] {{"Gi", "1073741824"}, {"Mi", "1048576"}, {"Ki", "1024"}}) {
            if (quantity.endsWith(u[0])) {
                return Long.parseLong(quantity.substring(0, quantity.length() - 2)) * Long.parseLong(u[1]);
            }
        }
        return Long.parseLong(quantity);
    }
}
