package org.routstr.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * Containers from local images only (no registry is reachable): host networking on 127.0.0.1, the manifests' memory
 * limit, a read-only root file system with a /tmp tmpfs like the pods' emptyDir, never a pull.
 */
final class Images {
    private Images() {
    }

    static String postgres() {
        return "local/routstr-postgres:15";
    }

    static String kafka() {
        Matcher m = Pattern.compile("<kafka.version>([^<]+)</kafka.version>")
                .matcher(Manifests.read(Manifests.DEPLOY.resolve("images/kafka/pom.xml")));
        return "local/routstr-kafka:" + (m.find() ? m.group(1) : "?");
    }

    /** Why the cluster test cannot run here, or null when the engine answers and every image is present. */
    static String missing(List<String> images) {
        try {
            if (!DockerClientFactory.instance().isDockerAvailable()) {
                return "no Docker engine (DOCKER_HOST=" + System.getenv("DOCKER_HOST") + "); .ci/run starts one";
            }
        } catch (RuntimeException e) {
            return "no Docker engine: " + e.getMessage();
        }
        for (String image : images) {
            try {
                DockerClientFactory.instance().client().inspectImageCmd(image).exec();
            } catch (RuntimeException e) {
                return "image " + image + " is not in the engine: run deploy/images/build-base-images.sh, then "
                       + "ROUTSTR_IMAGES=docker mvn package -Dimage.base=docker://local/routstr-jre:25 (what .ci/run does)";
            }
        }
        return null;
    }

    static GenericContainer<?> start(String image, Map<String, String> env, long memory, List<String> command, String readyLog) {
        GenericContainer<?> c = base(image, env, memory, false)
                .waitingFor(Wait.forLogMessage(readyLog, 1).withStartupTimeout(Duration.ofMinutes(3)));
        if (!command.isEmpty()) {
            c.withCommand(command.toArray(String[]::new));
        }
        return started(c);
    }

    /** A service from its image, ready when it says it listens and /health/ready answers 200 on its port. */
    static GenericContainer<?> startService(ServiceEnv s) {
        GenericContainer<?> c = base(s.image(), s.env(), s.memoryLimitBytes(), true)
                .waitingFor(Wait.forLogMessage(".*listening on port.*", 1).withStartupTimeout(Duration.ofMinutes(4)));
        started(c);
        String ready = "http://127.0.0.1:" + s.env().get("SERVER_PORT") + "/health/ready";
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                var r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(ready)).build(),
                                                                     java.net.http.HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return c;
                }
                Thread.sleep(200);
            } catch (java.io.IOException e) {
                sleep();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError(s.image() + " not ready at " + ready + ":\n" + c.getLogs());
    }

    /** A Job's container: its command, run until it exits 0. */
    static GenericContainer<?> runToCompletion(ServiceEnv job) {
        GenericContainer<?> c = base(job.image(), job.env(), job.memoryLimitBytes(), true)
                .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(Duration.ofMinutes(3)));
        List<String> cmd = job.command();
        c.withCreateContainerCmdModifier(x -> x.withEntrypoint(cmd.toArray(String[]::new)).getHostConfig()
                .withMemory(job.memoryLimitBytes()).withMemorySwap(job.memoryLimitBytes()).withReadonlyRootfs(true));
        return started(c);
    }

    /** Peak memory (cgroup v1 accounting of the engine) against the limit. */
    static String memoryReport(GenericContainer<?> c) {
        String id = c.getContainerId();
        Path peak = Path.of("/sys/fs/cgroup/memory/docker", id == null ? "-" : id, "memory.max_usage_in_bytes");
        String used;
        try {
            used = Files.exists(peak) ? (Long.parseLong(Files.readString(peak).trim()) >> 20) + " MiB" : "n/a";
        } catch (java.io.IOException | NumberFormatException e) {
            used = "n/a";
        }
        long limit = c.getContainerInfo() == null ? 0 : c.getContainerInfo().getHostConfig().getMemory();
        return c.getDockerImageName() + " " + c.getEnvMap().getOrDefault("SERVER_PORT", "") + ": peak " + used + " of "
               + (limit >> 20) + " MiB";
    }

    private static GenericContainer<?> base(String image, Map<String, String> env, long memory, boolean readOnly) {
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(image));
        return c.withImagePullPolicy(n -> false)
                .withNetworkMode("host")
                .withEnv(env)
                .withTmpFs(Map.of("/tmp", "rw,size=64m"))
                .withCreateContainerCmdModifier(x -> x.getHostConfig().withMemory(memory).withMemorySwap(memory).withReadonlyRootfs(readOnly));
    }

    private static GenericContainer<?> started(GenericContainer<?> c) {
        try {
            c.start();
            return c;
        } catch (RuntimeException e) {
            String logs;
            try {
                logs = c.getLogs();
            } catch (RuntimeException ignored) {
                logs = "(no logs)";
            }
            throw new AssertionError(c.getDockerImageName() + " did not start: " + e.getMessage() + "\n" + logs, e);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
