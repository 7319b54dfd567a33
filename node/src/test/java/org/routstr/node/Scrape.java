package org.routstr.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One scrape of a {@code /metrics} endpoint in the Prometheus text format: series by name and labels. */
record Scrape(String text, Map<String, Double> series) {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})?\\s+(\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    static Scrape of(int port) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                                       .header("Accept", "text/plain").timeout(Duration.ofSeconds(20)).build(),
                                               HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new AssertionError("/metrics on " + port + " answered " + r.statusCode());
            }
            Map<String, Double> series = new LinkedHashMap<>();
            for (String line : r.body().split("\n")) {
                Matcher m = LINE.matcher(line);
                if (!line.startsWith("#") && m.find()) {
                    series.put(m.group(1) + (m.group(2) == null ? "{}" : m.group(2)), Double.parseDouble(m.group(3)));
                }
            }
            return new Scrape(r.body(), series);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The sum of the series called {@code name} whose labels include {@code labels} (name/value pairs); 0 when none. */
    double value(String name, String... labels) {
        double sum = 0;
        for (Map.Entry<String, Double> e : series.entrySet()) {
            String key = e.getKey();
            if (key.startsWith(name + "{") && hasLabels(key.substring(name.length()), labels)) {
                sum += e.getValue();
            }
        }
        return sum;
    }

    /** Every metric name in the scrape. */
    Set<String> names() {
        Set<String> names = new TreeSet<>();
        series.keySet().forEach(k -> names.add(k.substring(0, k.indexOf('{'))));
        return names;
    }

    private static boolean hasLabels(String block, String... labels) {
        Map<String, String> have = new LinkedHashMap<>();
        Matcher m = LABEL.matcher(block);
        while (m.find()) {
            have.put(m.group(1), m.group(2));
        }
        for (int i = 0; i < labels.length; i += 2) {
            if (!labels[i + 1].equals(have.get(labels[i]))) {
                return false;
            }
        }
        return true;
    }
}
