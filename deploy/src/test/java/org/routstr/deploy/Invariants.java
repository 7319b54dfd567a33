package org.routstr.deploy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

import static org.routstr.deploy.Manifests.at;
import static org.routstr.deploy.Manifests.kind;
import static org.routstr.deploy.Manifests.list;
import static org.routstr.deploy.Manifests.map;
import static org.routstr.deploy.Manifests.name;
import static org.routstr.deploy.Manifests.podSpec;
import static org.routstr.deploy.Manifests.str;

/**
 * The rules every rendered overlay keeps; each check returns what breaks them (empty when they hold), so a test can show
 * both that the real manifests pass and that a broken one is caught.
 */
final class Invariants {
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(password|secret|token|api_dash_key|mnemonic|nsec|private).*");
    private static final Pattern SECRET_VALUE = Pattern.compile("(?is).*(password=|nsec1|\\bsk-|cashu[AB][A-Za-z0-9]|-----BEGIN).*");

    private Invariants() {
    }

    /** Every Deployment: three health probes on the main port, memory requests and limits, a CPU request, and a PDB. */
    static List<String> deployments(List<Map<String, Object>> all) {
        List<String> problems = new ArrayList<>();
        List<Map<String, Object>> pdbs = kind(all, "PodDisruptionBudget");
        for (Map<String, Object> d : kind(all, "Deployment")) {
            String n = name(d);
            for (Map<String, Object> c : list(podSpec(d), "containers")) {
                for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
                    String path = str(c, probe, "httpGet", "path");
                    if (path == null || !path.startsWith("/health/") || !"http".equals(str(c, probe, "httpGet", "port"))) {
                        problems.add(n + ": " + probe + " is not an HTTP check of /health/* on port http");
                    }
                }
                if (!"/health/ready".equals(str(c, "readinessProbe", "httpGet", "path"))) {
                    problems.add(n + ": readiness must be /health/ready");
                }
                for (String r : List.of("limits.memory", "requests.memory", "requests.cpu")) {
                    String[] p = r.split("\\.");
                    if (at(c, "resources", p[0], p[1]) == null) {
                        problems.add(n + ": no resources." + r);
                    }
                }
            }
            Map<String, Object> labels = map(d, "spec", "template", "metadata", "labels");
            boolean covered = pdbs.stream().anyMatch(p -> {
                Map<String, Object> sel = map(p, "spec", "selector", "matchLabels");
                return !sel.isEmpty() && labels.entrySet().containsAll(sel.entrySet());
            });
            if (!covered) {
                problems.add(n + ": no PodDisruptionBudget selects its pods");
            }
        }
        return problems;
    }

    /**
     * The KafkaTopics are exactly the code's topics with billing's partition count, the usage topic forgets events no later
     * than billing forgets their ids, and billing's autoscaler stops at the partition count.
     */
    static List<String> topics(List<Map<String, Object>> all, Set<String> codeTopics, int partitions, Duration processedRetention,
                               int replicas, int minIsr) {
        List<String> problems = new ArrayList<>();
        List<Map<String, Object>> topics = kind(all, "KafkaTopic");
        Set<String> names = new java.util.TreeSet<>();
        for (Map<String, Object> t : topics) {
            String topic = str(t, "spec", "topicName");
            names.add(topic);
            if (!Objects.equals(at(t, "spec", "partitions"), partitions)) {
                problems.add(topic + ": partitions " + at(t, "spec", "partitions") + ", the code's are " + partitions);
            }
            if (!Objects.equals(at(t, "spec", "replicas"), replicas)
                || !Objects.equals(at(t, "spec", "config", "min.insync.replicas"), minIsr)) {
                problems.add(topic + ": want replicas " + replicas + " and min.insync.replicas " + minIsr);
            }
        }
        if (!names.equals(new java.util.TreeSet<>(codeTopics))) {
            problems.add("KafkaTopics " + names + " are not the code's topics " + codeTopics);
        }
        topics.stream().filter(t -> "routstr.usage.v1".equals(str(t, "spec", "topicName"))).findFirst().ifPresent(u -> {
            Object retention = at(u, "spec", "config", "retention.ms");
            Object segment = at(u, "spec", "config", "segment.ms");
            if (!(retention instanceof Number r) || !(segment instanceof Number s)
                || r.longValue() + s.longValue() > processedRetention.toMillis()) {
                problems.add("routstr.usage.v1: retention.ms + segment.ms must be set and at most billing.processed-retention ("
                             + processedRetention.toMillis() + " ms)");
            }
        });
        for (Map<String, Object> h : kind(all, "HorizontalPodAutoscaler")) {
            if ("billing-service".equals(str(h, "spec", "scaleTargetRef", "name"))
                && ((Number) at(h, "spec", "maxReplicas")).intValue() > partitions) {
                problems.add("billing-service HPA maxReplicas exceeds the usage topic's " + partitions + " partitions");
            }
        }
        return problems;
    }

    /** Every env name of every container is a config key of the service whose image it runs. */
    static List<String> envNames(List<Map<String, Object>> all) {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> w : all) {
            if (!Set.of("Deployment", "Job").contains(w.get("kind"))) {
                continue;
            }
            for (Map<String, Object> c : list(podSpec(w), "containers")) {
                String service = Manifests.serviceOf(str(c, "image"));
                ConfigKeys keys = ConfigKeys.of(service);
                List<String> env = new ArrayList<>(list(c, "env").stream().map(e -> str(e, "name")).toList());
                for (Map<String, Object> from : list(c, "envFrom")) {
                    String cm = str(from, "configMapRef", "name");
                    if (cm != null) {
                        env.addAll(configMap(all, cm).keySet());
                    }
                }
                for (String e : env) {
                    if (!keys.has(e)) {
                        problems.add(name(w) + ": " + e + " (" + ConfigKeys.keyOf(e) + ") is no config key of " + service);
                    }
                }
            }
        }
        return problems;
    }

    /** No ConfigMap holds a secret (by key name or by value), and no Secret is committed: they are created out of band. */
    static List<String> noSecrets(List<Map<String, Object>> all) {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> cm : kind(all, "ConfigMap")) {
            map(cm, "data").forEach((k, v) -> {
                if (SECRET_NAME.matcher(k).matches() || SECRET_VALUE.matcher(String.valueOf(v)).matches()) {
                    problems.add("ConfigMap " + name(cm) + " holds a secret: " + k);
                }
            });
        }
        kind(all, "Secret").forEach(s -> problems.add("Secret " + name(s) + " is in the manifests"));
        return problems;
    }

    static Map<String, Object> configMap(List<Map<String, Object>> all, String name) {
        return kind(all, "ConfigMap").stream().filter(c -> name.equals(name(c))).findFirst()
                .map(c -> map(c, "data")).orElseThrow(() -> new AssertionError("no ConfigMap " + name));
    }
}
