package org.routstr.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.routstr.common.db.DbSettings;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.embedded.EmbeddedDatabase;
import org.routstr.embedded.EmbeddedKafka;

/**
 * The servers behind {@link RealInfra}, started once per test JVM: embedded PostgreSQL and an in-process KRaft broker, or
 * external ones named by {@code ROUTSTR_TEST_DB_URL} (a JDBC URL whose user may create databases) and
 * {@code ROUTSTR_TEST_KAFKA} (bootstrap servers).
 */
public final class Infra {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static volatile DbServer db;
    private static volatile String kafka;

    static {
        // the servers' own chatter (every PostgreSQL statement error, Kafka's start-up) would drown the test output
        for (String noisy : new String[] {"io.zonky", "org.flywaydb", "org.apache.kafka", "kafka", "org.apache.zookeeper",
                                          "com.zaxxer.hikari"}) {
            java.util.logging.Logger.getLogger(noisy).setLevel(java.util.logging.Level.WARNING);
        }
    }

    private Infra() {
    }

    /** Creates a new, empty database and returns how to reach it. */
    public static DbSettings newDatabase() {
        DbServer server = dbServer();
        String name = "t" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(server.adminUrl(), server.user(), server.password());
             Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name);
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
        return new DbSettings(server.urlFor(name), server.user(), server.password(), 16);
    }

    /** Bootstrap servers of the shared broker. */
    public static KafkaSettings kafka(String clientId) {
        return new KafkaSettings(kafkaBootstrap(), clientId);
    }

    private static synchronized String kafkaBootstrap() {
        if (kafka == null) {
            String external = System.getenv("ROUTSTR_TEST_KAFKA");
            if (external != null && !external.isBlank()) {
                kafka = external;
                System.out.println("[routstr-test] Kafka: external broker " + external);
            } else {
                long t0 = System.nanoTime();
                // The broker halts its JVM on faults it thinks are fatal (for example when its log folder goes away while the
                // test JVM shuts down). Here that JVM is the test run: a halt would turn a green run into a failed fork.
                org.apache.kafka.common.utils.Exit.setHaltProcedure((code, message) ->
                        System.err.println("[routstr-test] Kafka asked to halt (" + code + "): " + message));
                org.apache.kafka.common.utils.Exit.setExitProcedure((code, message) ->
                        System.err.println("[routstr-test] Kafka asked to exit (" + code + "): " + message));
                EmbeddedKafka k = EmbeddedKafka.start(Optional.empty());
                Runtime.getRuntime().addShutdownHook(new Thread(k::close));
                kafka = k.bootstrapServers();
                System.out.printf("[routstr-test] Kafka: in-process KRaft broker at %s (started in %d ms)%n", kafka,
                                  (System.nanoTime() - t0) / 1_000_000);
            }
        }
        return kafka;
    }

    private static synchronized DbServer dbServer() {
        if (db == null) {
            String external = System.getenv("ROUTSTR_TEST_DB_URL");
            if (external != null && !external.isBlank()) {
                db = DbServer.external(external, env("ROUTSTR_TEST_DB_USER", "postgres"), env("ROUTSTR_TEST_DB_PASSWORD", ""));
                System.out.println("[routstr-test] PostgreSQL: external server " + db.adminUrl());
            } else {
                long t0 = System.nanoTime();
                EmbeddedDatabase pg = EmbeddedDatabase.start(Optional.empty(), 0);
                Runtime.getRuntime().addShutdownHook(new Thread(pg::close));
                db = new DbServer("jdbc:postgresql://127.0.0.1:" + pg.port() + "/", "postgres", pg.user(), "");
                System.out.printf("[routstr-test] PostgreSQL: embedded server on port %d (started in %d ms)%n", pg.port(),
                                  (System.nanoTime() - t0) / 1_000_000);
            }
        }
        return db;
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    /** A server: a URL prefix to which a database name is appended, and the admin database. */
    private record DbServer(String prefix, String adminDb, String user, String password) {
        static DbServer external(String url, String user, String password) {
            int slash = url.indexOf('/', "jdbc:postgresql://".length());
            String prefix = slash < 0 ? url + "/" : url.substring(0, slash + 1);
            String rest = slash < 0 ? "postgres" : url.substring(slash + 1);
            String admin = rest.contains("?") ? rest.substring(0, rest.indexOf('?')) : rest;
            return new DbServer(prefix, admin.isEmpty() ? "postgres" : admin, user, password);
        }

        String adminUrl() {
            return prefix + adminDb;
        }

        String urlFor(String name) {
            return prefix + name;
        }
    }
}
