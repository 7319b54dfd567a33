package org.routstr.gateway.proxy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.routstr.common.kafka.KafkaSettings;
import org.routstr.testsupport.RealInfra;
import org.routstr.testsupport.TestDb;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;

/**
 * Issue 11: the gateway in its own JVM with the deployed heap ({@code -Xmx128m}, exit on OutOfMemoryError) gets twelve
 * maximum-size (10 MiB) bodies at once, twice: each is served (200) or refused (413/429), the process never runs out
 * of memory, and it still serves a small request afterwards.
 */
@RealInfra
class LargeBodiesTest {
    private static final int MAX = 10 * 1024 * 1024;

    @Test
    void parallelMaximumSizeBodiesGet200Or429NeverAnOutOfMemoryError(TestDb db, KafkaSettings kafka) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process gw = new ProcessBuilder(java, "-Xmx128m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError",
                                        "-cp", System.getProperty("java.class.path"), SmallHeapGateway.class.getName(),
                                        db.settings().url(), db.settings().user(), db.settings().password(), kafka.bootstrapServers())
                .redirectErrorStream(true).start();
        StringBuilder out = new StringBuilder();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(gw.getInputStream(), StandardCharsets.UTF_8));
            String line;
            String[] ready = null;
            while ((line = r.readLine()) != null) {
                out.append(line).append('\n');
                if (line.startsWith("READY ")) {
                    ready = line.split(" ");
                    break;
                }
            }
            assertThat("gateway did not start:\n" + out, ready != null, is(true));
            Thread.ofVirtual().start(() -> r.lines().forEach(l -> { synchronized (out) { out.append(l).append('\n'); } }));
            String key = ready[1];
            String url = "http://127.0.0.1:" + ready[2] + "/v1/chat/completions";
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            String prefix = "{\"model\":\"standin-gpt\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"";
            String suffix = "\"}]}";
            byte[] body = (prefix + "x".repeat(MAX - prefix.length() - suffix.length()) + suffix).getBytes(StandardCharsets.US_ASCII);
            int ok = 0;
            int refused = 0;
            for (int round = 0; round < 2; round++) {
                List<Future<Integer>> replies = new ArrayList<>();
                try (ExecutorService pool = Executors.newFixedThreadPool(12)) {
                    for (int i = 0; i < 12; i++) {
                        replies.add(pool.submit(() -> http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(120))
                                        .header("authorization", "Bearer " + key).header("content-type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                                HttpResponse.BodyHandlers.discarding()).statusCode()));
                    }
                }
                for (Future<Integer> f : replies) {
                    int status = f.get();
                    assertThat("status\n" + out, status, anyOf(is(200), is(413), is(429)));
                    if (status == 200) {
                        ok++;
                    } else {
                        refused++;
                    }
                }
            }
            System.out.println("large bodies: " + ok + " served, " + refused + " refused");
            assertThat("some were served", ok, greaterThan(0));
            assertThat("gateway alive\n" + out, gw.isAlive(), is(true));
            HttpResponse<String> small = http.send(HttpRequest.newBuilder(URI.create(url)).header("authorization", "Bearer " + key)
                    .POST(HttpRequest.BodyPublishers.ofString(prefix + "small" + suffix)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(small.body(), small.statusCode(), is(200));
            synchronized (out) {
                assertThat(out.toString(), not(containsString("OutOfMemoryError")));
            }
        } finally {
            gw.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
