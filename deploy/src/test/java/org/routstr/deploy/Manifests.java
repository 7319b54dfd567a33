package org.routstr.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The rendered manifests of the overlays ({@code kubectl kustomize deploy/overlays/NAME}) as plain maps, and small helpers
 * to walk them.
 */
final class Manifests {
    /** The repository: surefire runs in the module folder, deploy/. */
    static final Path REPO = Path.of("").toAbsolutePath().getParent();
    static final Path DEPLOY = REPO.resolve("deploy");
    static final List<String> OVERLAYS = List.of("single-node", "production", "production-managed");

    private Manifests() {
    }

    /** A process's exit code and its combined output. */
    record Run(int code, String out) {
    }

    static Run run(Path dir, String stdin, List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + cmd);
            }
            return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + cmd + " (is it installed? .ci/run installs it)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static final Map<String, String> RENDERED = new java.util.concurrent.ConcurrentHashMap<>();

    /** The overlay rendered by kubectl's built-in Kustomize (once per test JVM). */
    static String render(String overlay) {
        return RENDERED.computeIfAbsent(overlay, Manifests::kustomize);
    }

    private static String kustomize(String overlay) {
        Run r = run(DEPLOY, null, List.of("kubectl", "kustomize", "overlays/" + overlay));
        if (r.code() != 0) {
            throw new AssertionError("kubectl kustomize overlays/" + overlay + " failed:\n" + r.out());
        }
        return r.out();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> objects(String yaml) {
        List<Map<String, Object>> out = new ArrayList<>();
        LoaderOptions options = new LoaderOptions();
        for (Object o : new Yaml(options).loadAll(yaml)) {
            if (o != null) {
                out.add((Map<String, Object>) o);
            }
        }
        return out;
    }

    static List<Map<String, Object>> kind(List<Map<String, Object>> all, String kind) {
        return all.stream().filter(o -> kind.equals(o.get("kind"))).toList();
    }

    static String name(Map<String, Object> o) {
        return str(o, "metadata", "name");
    }

    /** The value at a path of map keys and list indices, or null. */
    static Object at(Object node, Object... path) {
        Object n = node;
        for (Object p : path) {
            if (n instanceof Map<?, ?> m) {
                n = m.get(p);
            } else if (n instanceof List<?> l && p instanceof Integer i) {
                n = i < l.size() ? l.get(i) : null;
            } else {
                return null;
            }
        }
        return n;
    }

    static String str(Object node, Object... path) {
        Object v = at(node, path);
        return v == null ? null : v.toString();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Object node, Object... path) {
        Object v = at(node, path);
        return v instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node, Object... path) {
        Object v = at(node, path);
        return v instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** The pod spec of a Deployment or Job. */
    static Map<String, Object> podSpec(Map<String, Object> workload) {
        return map(workload, "spec", "template", "spec");
    }

    /** The service module an image belongs to: {@code registry/routstr/gateway:0.1.0} gives {@code gateway}. */
    static String serviceOf(String image) {
        String path = image.contains(":") ? image.substring(0, image.lastIndexOf(':')) : image;
        return path.substring(path.lastIndexOf('/') + 1);
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
