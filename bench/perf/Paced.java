import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Paced open-loop load (not a test; wrk2 is not in Debian): requests start on a fixed schedule whatever the latency, and
 * each is timed from its scheduled start, so a stall is not hidden. Mode {@code json}: time to the whole response; mode
 * {@code sse}: time to the first body byte of a stream. Loopback only, bounded in count and time.
 * Usage: java Paced.java json|sse URL RATE SECONDS BODYFILE KEYSFILE; prints "rps p50_ms p99_ms errors".
 */
public class Paced {
    private static final int MAX_OUTSTANDING = 2000;

    public static void main(String[] a) throws Exception {
        boolean sse = a[0].equals("sse");
        URI uri = URI.create(a[1]);
        if (!uri.getHost().equals("127.0.0.1")) {
            throw new IllegalArgumentException("loopback only");
        }
        int rate = Integer.parseInt(a[2]);
        int seconds = Integer.parseInt(a[3]);
        byte[] body = Files.readAllBytes(Path.of(a[4]));
        List<String> keys = Files.readAllLines(Path.of(a[5]));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        int total = rate * seconds;
        long[] lat = new long[total];
        AtomicInteger errors = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(total);
        long interval = 1_000_000_000L / rate;
        for (int i = 0; i < Math.min(200, total); i++) { // warm-up: connections and JIT on both sides
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
            if (i - (total - done.getCount()) > MAX_OUTSTANDING) { // the target fell far behind: count it, do not pile up
                lat[n] = Long.MAX_VALUE;
                errors.incrementAndGet();
                done.countDown();
                continue;
            }
            HttpRequest r = req(uri, body, keys.get(i % keys.size()));
            CompletableFuture<Integer> f;
            if (sse) {
                FirstByte fb = new FirstByte(due, lat, n);
                f = http.sendAsync(r, HttpResponse.BodyHandlers.fromSubscriber(fb)).thenApply(HttpResponse::statusCode);
            } else {
                f = http.sendAsync(r, HttpResponse.BodyHandlers.discarding()).thenApply(x -> {
                    lat[n] = System.nanoTime() - due;
                    return x.statusCode();
                });
            }
            f.whenComplete((code, e) -> {
                if (e != null || lat[n] == 0) {
                    lat[n] = Long.MAX_VALUE;
                }
                if (e != null || code != 200) {
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
        System.out.printf("%.0f %s %s %d%n", total / elapsed, ms(sorted[total / 2]), ms(sorted[(int) (total * 0.99)]),
                          errors.get());
        System.exit(0);
    }

    private static String ms(long nanos) {
        return nanos == Long.MAX_VALUE || nanos == 0 ? "inf" : String.format("%.3f", nanos / 1e6);
    }

    /** Records the time of the first non-empty body chunk, then drains the stream. */
    private record FirstByte(long due, long[] lat, int n) implements Flow.Subscriber<List<ByteBuffer>> {
        @Override
        public void onSubscribe(Flow.Subscription s) {
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
            if (lat[n] == 0 && item.stream().anyMatch(ByteBuffer::hasRemaining)) {
                lat[n] = System.nanoTime() - due;
            }
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onComplete() {
        }
    }

    private static HttpRequest req(URI uri, byte[] body, String key) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).header("content-type", "application/json").header("authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }
}
