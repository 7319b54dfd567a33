package org.routstr.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server started from the binaries on the classpath (zonky; it runs as root through a user
 * namespace). Used by tests and by the single-machine launcher, which keeps its data folder across restarts.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    /**
     * Set to {@code 1}, the server loads {@code pg_stat_statements} (statements inside functions counted too), so a
     * benchmark can say where PostgreSQL's time goes ({@code bench/perf/run.sh} with {@code PG_STATEMENTS=1}).
     */
    public static final String STATEMENTS_ENV = "ROUTSTR_PG_STAT_STATEMENTS";
    private final EmbeddedPostgres pg;

    private EmbeddedDatabase(EmbeddedPostgres pg) {
        this.pg = pg;
    }

    /**
     * Starts a server. With a data folder the data survives a restart and the server is durable (fsync and synchronous
     * commits on); without one it lives in a temporary folder and trades durability for speed.
     *
     * @param dataDir where the cluster lives
     * @param port    0 for any free port
     */
    public static EmbeddedDatabase start(Optional<Path> dataDir, int port) {
        return start(dataDir, port, dataDir.isPresent());
    }

    /**
     * Starts a server; {@code durable} false turns fsync, synchronous commits and full-page writes off (a power cut can
     * then lose the last commits or corrupt the cluster). zonky passes {@code -F} and {@code synchronous_commit=off} by
     * default, so durable sets both back explicitly. A server a killed JVM left running on {@code dataDir} is stopped first.
     */
    public static EmbeddedDatabase start(Optional<Path> dataDir, int port, boolean durable) {
        dataDir.ifPresent(LeftoverServer::stopIfRunning);
        try {
            EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("shared_buffers", "64MB")
                    // autovacuum looks every 10 s instead of every minute: a busy node leaves dead reservations fast (V200)
                    .setServerConfig("autovacuum_naptime", "10s")
                    .setPGStartupWait(java.time.Duration.ofSeconds(30));
            if (port > 0) {
                b.setPort(port);
            }
            dataDir.ifPresent(d -> b.setDataDirectory(d).setCleanDataDirectory(false));
            String on = durable ? "on" : "off";
            b.setServerConfig("fsync", on).setServerConfig("synchronous_commit", on).setServerConfig("full_page_writes", on);
            if ("1".equals(System.getenv(STATEMENTS_ENV))) {
                b.setServerConfig("shared_preload_libraries", "pg_stat_statements").setServerConfig("pg_stat_statements.track", "all");
            }
            return new EmbeddedDatabase(b.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
        }
    }

    /** The port the server listens on (127.0.0.1). */
    public int port() {
        return pg.getPort();
    }

    /** A JDBC URL for a database on this server. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/" + database;
    }

    /** The superuser name (trust authentication on loopback). */
    public String user() {
        return "postgres";
    }

    /** Creates a database if it does not exist yet. */
    public void createDatabase(String name) {
        if (!name.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("bad database name " + name);
        }
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            var rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'");
            if (!rs.next()) {
                st.execute("CREATE DATABASE " + name);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
    }

    @Override
    public void close() {
        try {
            pg.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
