import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop load at a fixed rate (not a test): requests are started on a fixed schedule whatever the latency, and each
 * latency is measured from its scheduled start, so a stall is not hidden (no coordinated omission). Bounded in count and
 * time, loopback only. Usage: java Load.java URL RATE SECONDS BODYFILE [KEYSFILE]; prints "rps p50_ms p99_ms errors".
 */
public class Load {
    public static void main(String[] a) throws Exception {
        URI uri = URI.create(a[0]);
        if (!uri.getHost().equals("127.0.0.1")) {
            throw new IllegalArgumentException("loopback only");
        }
        int rate = Integer.parseInt(a[1]);
        int seconds = Integer.parseInt(a[2]);
        byte[] body = Files.readAllBytes(Path.of(a[3]));
        List<String> keys = a.length > 4 ? Files.readAllLines(Path.of(a[4])) : List.of("none");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        int total = rate * seconds;
        long[] lat = new long[total];
        AtomicInteger errors = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(total);
        long interval = 1_000_000_000L / rate;
        // warm-up: connections and JIT on both sides
        for (int i = 0; i < Math.min(2000, total); i++) {
            http.send(req(uri, body, keys.get(i % keys.size())), HttpResponse.BodyHandlers.discarding());
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = t0 + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            int n = i;
            http.sendAsync(req(uri, body, keys.get(i % keys.size())), HttpResponse.BodyHandlers.discarding())
                    .whenComplete((r, e) -> {
                        lat[n] = System.nanoTime() - due;
                        if (e != null || r.statusCode() != 200) {
                            errors.incrementAndGet();
                        }
                        done.countDown();
                    });
        }
        if (!done.await(seconds + 30L, TimeUnit.SECONDS)) {
            System.err.println("timed out waiting for responses");
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        long[] sorted = lat.clone();
        Arrays.sort(sorted);
        if (Boolean.getBoolean("timeline")) {
            // where the slow requests are: per second of the run, how many took over 10 ms and the worst one
            for (int sec = 0; sec < seconds; sec++) {
                long slow = 0;
                long worst = 0;
                for (int i = sec * rate; i < (sec + 1) * rate; i++) {
                    slow += lat[i] > 10_000_000L ? 1 : 0;
                    worst = Math.max(worst, lat[i]);
                }
                System.err.printf("second %2d: %4d over 10 ms, worst %.1f ms%n", sec, slow, worst / 1e6);
            }
        }
        System.out.printf("%.0f %.3f %.3f %d%n", total / elapsed, sorted[total / 2] / 1e6, sorted[(int) (total * 0.99)] / 1e6,
                          errors.get());
        System.exit(0);
    }

    private static HttpRequest req(URI uri, byte[] body, String key) {
        return HttpRequest.newBuilder(uri).header("content-type", "application/json").header("authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }
}
