package org.routstr.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.routstr.common.events.Topics;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.routstr.deploy.Manifests.kind;
import static org.routstr.deploy.Manifests.list;
import static org.routstr.deploy.Manifests.name;
import static org.routstr.deploy.Manifests.podSpec;

/**
 * Every overlay renders with {@code kubectl kustomize}, validates against its schemas (deploy/validate: kubernetes-models
 * for core kinds, the CRDs in ../shared/k8s-crds for Strimzi and CloudNativePG), and keeps the invariants of
 * {@link Invariants}. Each rule is also shown to catch a broken manifest.
 */
class ManifestsTest {
    private static final Set<String> CODE_TOPICS = Set.of(Topics.USAGE, Topics.LEDGER, Topics.CONTROL, Topics.LOGS);
    private static final Path VALIDATE = Manifests.DEPLOY.resolve("validate");

    static List<String> overlays() {
        return Manifests.OVERLAYS;
    }

    @BeforeAll
    static void npm() {
        if (!Files.isDirectory(VALIDATE.resolve("node_modules"))) {
            Manifests.Run r = Manifests.run(VALIDATE, null, List.of("npm", "ci", "--no-audit", "--no-fund"));
            assertThat("npm ci in deploy/validate:\n" + r.out(), r.code(), is(0));
        }
    }

    @Test
    void everyOverlayRendersAndEveryObjectValidatesAgainstItsSchema(@TempDir Path dir) throws Exception {
        List<String> files = new java.util.ArrayList<>();
        for (String overlay : Manifests.OVERLAYS) {
            Files.writeString(dir.resolve(overlay + ".yaml"), Manifests.render(overlay));
            files.add(dir.resolve(overlay + ".yaml").toString());
        }
        Manifests.Run r = validate(files);
        assertThat(r.out(), r.code(), is(0));
        assertThat(r.out(), not(containsString("FAIL")));
        for (String f : files) {
            assertThat(r.out(), containsString("ok   " + f + ": Deployment/gateway (kubernetes-models)"));
        }
        assertThat(r.out(), containsString("single-node.yaml: KafkaTopic/routstr-usage-v1 (crd)"));
        assertThat(r.out(), containsString("production.yaml: Pooler/routstr-db-pooler (crd)"));
    }

    @Test
    void theValidatorRejectsWrongTypesMisspelledCrdFieldsAndUnknownKinds(@TempDir Path dir) throws Exception {
        String good = Manifests.render("production");
        Map<String, String> bad = new java.util.LinkedHashMap<>();
        bad.put(good.replace("partitions: 4", "partitions: four"), "KafkaTopic/routstr-usage-v1: KafkaTopic/spec/partitions must be integer");
        bad.put(good.replace("  instances: 3", "  instancez: 3"), "Cluster/routstr-db: Cluster/spec must have required property 'instances'");
        bad.put(good.replace("poolMode: transaction", "poolMode: txn"), "Pooler/routstr-db-pooler: Pooler/spec/pgbouncer/poolMode must be equal to one of the allowed values");
        bad.put(good.replace("    topicOperator: {}", "    topicOperatr: {}"), "Kafka/routstr: Kafka/spec/entityOperator must NOT have additional properties");
        bad.put(good.replaceFirst("replicas: 3\n", "replicas: \"three\"\n"), "Deployment/gateway: data/spec/replicas must be integer");
        bad.put(good + "---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n", "Widget/w: no schema for example.com/v1 Widget");
        List<String> files = new java.util.ArrayList<>();
        for (String manifests : bad.keySet()) {
            Path f = dir.resolve("broken-" + files.size() + ".yaml");
            Files.writeString(f, manifests);
            files.add(f.toString());
        }
        Manifests.Run r = validate(files);
        assertThat(r.out(), r.code(), is(1));
        int i = 0;
        for (String expected : bad.values()) {
            assertThat(r.out(), containsString("FAIL " + files.get(i++) + ": " + expected));
        }
        assertThat(r.out(), containsString("9 invalid"));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyDeploymentHasProbesLimitsAndADisruptionBudget(String overlay) {
        List<Map<String, Object>> all = Manifests.objects(Manifests.render(overlay));
        assertThat(kind(all, "Deployment").stream().map(Manifests::name).sorted().toList(),
                   is(List.of("admin-service", "billing-service", "discovery-service", "gateway", "wallet-service")));
        assertThat(Invariants.deployments(all), is(empty()));
    }

    @Test
    void aDeploymentWithoutProbesLimitsOrBudgetIsCaught() {
        List<Map<String, Object>> all = Manifests.objects(Manifests.render("single-node"));
        Map<String, Object> gateway = kind(all, "Deployment").stream().filter(d -> name(d).equals("gateway")).findFirst().orElseThrow();
        Map<String, Object> c = list(podSpec(gateway), "containers").getFirst();
        c.remove("livenessProbe");
        ((Map<?, ?>) c.get("resources")).remove("limits");
        List<Map<String, Object>> withoutPdb = all.stream()
                .filter(o -> !("PodDisruptionBudget".equals(o.get("kind")) && name(o).equals("wallet-service"))).toList();
        List<String> problems = Invariants.deployments(withoutPdb);
        assertThat(problems, hasItem("gateway: livenessProbe is not an HTTP check of /health/* on port http"));
        assertThat(problems, hasItem("gateway: no resources.limits.memory"));
        assertThat(problems, hasItem("wallet-service: no PodDisruptionBudget selects its pods"));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void topicsMatchTheCodeAndTheUsageRetentionFitsBilling(String overlay) {
        List<Map<String, Object>> all = Manifests.objects(Manifests.render(overlay));
        boolean managed = kind(all, "Kafka").isEmpty();
        assertThat(overlay + " has Strimzi Kafka unless it uses managed services", managed, is(overlay.endsWith("-managed")));
        Map<String, Object> billing = Invariants.configMap(all, "billing-config");
        int partitions = billingPartitions();
        assertThat("billing-config agrees with billing's default", Integer.parseInt((String) billing.get("BILLING_TOPIC_dash_PARTITIONS")),
                   is(partitions));
        Duration retention = duration((String) billing.get("BILLING_PROCESSED_dash_RETENTION"));
        assertThat(retention, is(duration(billingYaml("processed-retention"))));
        int replicas = overlay.equals("single-node") ? 1 : 3;
        List<String> problems = Invariants.topics(all, managed ? Set.of() : CODE_TOPICS, partitions, retention, replicas, replicas == 1 ? 1 : 2);
        assertThat(problems, is(empty()));
    }

    @Test
    void aTopicWithOtherPartitionsOrALongerRetentionIsCaught() {
        String bad = Manifests.render("production").replaceFirst("partitions: 4", "partitions: 6")
                .replace("retention.ms: 2505600000", "retention.ms: 2592000000");
        List<String> problems = Invariants.topics(Manifests.objects(bad), CODE_TOPICS, 4, Duration.ofDays(30), 3, 2);
        assertThat(problems.toString(), problems.stream().anyMatch(p -> p.contains("partitions 6, the code's are 4")), is(true));
        assertThat(problems.toString(), problems.stream().anyMatch(p -> p.startsWith("routstr.usage.v1: retention.ms + segment.ms")),
                   is(true));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyEnvNameIsAConfigKeyOfItsService(String overlay) {
        assertThat(Invariants.envNames(Manifests.objects(Manifests.render(overlay))), is(empty()));
    }

    @Test
    void envNamesMapToKeysTheWayHelidonReadsThem() {
        assertThat(ConfigKeys.keyOf("GATEWAY_PROVIDERS_0_MODELS_12_INPUT_dash_USD_dash_PER_dash_M"),
                   is("gateway.providers.[].models.[].input-usd-per-m"));
        ConfigKeys gateway = ConfigKeys.of("gateway");
        assertThat(gateway.has("GATEWAY_UPSTREAM_dash_TIMEOUT"), is(true));
        assertThat(gateway.has("GATEWAY_PROVIDERS_3_BASE_dash_URL"), is(true));
        assertThat("a misspelt separator", gateway.has("GATEWAY_UPSTREAM_TIMEOUT"), is(false));
        assertThat("another service's key", gateway.has("WALLET_TRUSTED_dash_MINTS"), is(false));
        assertThat(ConfigKeys.of("billing-service").has("BILLING_PROCESSED_dash_RETENTION"), is(true));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void noSecretInAConfigMapAndEveryReferencedSecretIsDocumented(String overlay) {
        List<Map<String, Object>> all = Manifests.objects(Manifests.render(overlay));
        assertThat(Invariants.noSecrets(all), is(empty()));
        String readme = Manifests.read(Manifests.DEPLOY.resolve("README.md"));
        for (Map<String, Object> w : all) {
            for (Map<String, Object> c : list(podSpec(w), "containers")) {
                for (Map<String, Object> e : list(c, "env")) {
                    String secret = Manifests.str(e, "valueFrom", "secretKeyRef", "name");
                    if (secret != null) {
                        assertThat("deploy/README.md creates secret " + secret, readme, containsString("secret generic " + secret));
                    }
                }
                for (Map<String, Object> from : list(c, "envFrom")) {
                    String secret = Manifests.str(from, "secretRef", "name");
                    if (secret != null) {
                        assertThat("deploy/README.md creates secret " + secret, readme, containsString("secret generic " + secret));
                    }
                }
            }
        }
    }

    @Test
    void aPasswordInAConfigMapIsCaught() {
        String bad = Manifests.render("single-node").replace("DB_POOL_dash_SIZE: \"8\"", "DB_POOL_dash_SIZE: \"8\"\n  DB_PASSWORD: hunter2");
        assertThat(Invariants.noSecrets(Manifests.objects(bad)), hasItem("ConfigMap routstr-common holds a secret: DB_PASSWORD"));
    }

    /** The CRDs validate.mjs reads: {@code ROUTSTR_CRDS}, else {@code ../shared/k8s-crds} beside the project root. */
    private static final Path CRDS = Optional.ofNullable(System.getenv("ROUTSTR_CRDS")).map(Path::of)
            .orElse(Manifests.REPO.resolve("../shared/k8s-crds").normalize());

    private static Manifests.Run validate(List<String> files) {
        // without the CRDs the schema checks cannot run: SKIPPED, never passed and never a failure of the manifests
        Assumptions.assumeTrue(Files.isDirectory(CRDS), "Strimzi and CloudNativePG CRDs not found at " + CRDS);
        List<String> cmd = new java.util.ArrayList<>(List.of("node", "validate.mjs"));
        cmd.addAll(files);
        return Manifests.run(VALIDATE, null, cmd);
    }

    private static int billingPartitions() {
        return Integer.parseInt(billingYaml("topic-partitions"));
    }

    private static String billingYaml(String key) {
        Matcher m = Pattern.compile("(?m)^  " + Pattern.quote(key) + ":\\s*(\\S+)")
                .matcher(Manifests.read(Manifests.REPO.resolve("billing-service/src/main/resources/application.yaml")));
        assertThat("billing." + key + " in billing's application.yaml", m.find(), is(true));
        return m.group(1);
    }

    private static Duration duration(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        if (v.startsWith("p")) {
            return Duration.parse(v.toUpperCase(Locale.ROOT));
        }
        long n = Long.parseLong(v.replaceAll("[a-z]+$", ""));
        return switch (v.replaceAll("^[0-9]+", "")) {
            case "d" -> Duration.ofDays(n);
            case "h" -> Duration.ofHours(n);
            case "m" -> Duration.ofMinutes(n);
            case "s" -> Duration.ofSeconds(n);
            default -> throw new IllegalArgumentException("duration " + s);
        };
    }
}
