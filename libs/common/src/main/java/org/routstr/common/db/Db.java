package org.routstr.common.db;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;

/**
 * Database plumbing shared by the services: the pool, the one migration set, and {@code inTransaction} so commit and
 * rollback live in one place.
 */
public final class Db {
    private Db() {
    }

    /** A Hikari pool; connections are validated when the pool starts so a wrong URL fails fast. */
    public static HikariDataSource pool(DbSettings settings, String poolName) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(settings.url());
        hc.setUsername(settings.user());
        hc.setPassword(settings.password());
        hc.setMaximumPoolSize(settings.poolSize());
        hc.setMinimumIdle(Math.min(2, settings.poolSize()));
        hc.setPoolName(poolName);
        hc.setConnectionTimeout(10_000);
        // prepared statements are reused on the hot path; let the driver switch to server-side plans quickly
        hc.addDataSourceProperty("prepareThreshold", "1");
        hc.addDataSourceProperty("reWriteBatchedInserts", "true");
        return new HikariDataSource(hc);
    }

    /**
     * Runs the migrations in {@code classpath:db/migration}. Flyway takes a PostgreSQL advisory lock, so replicas that start
     * together migrate once and the others wait.
     */
    public static void migrate(DataSource ds) {
        Flyway.configure()
                .dataSource(ds)
                .locations("classpath:db/migration")
                .loggers("slf4j")
                .load()
                .migrate();
    }

    /** Runs {@code work} in one transaction: commit on return, rollback on any exception. */
    public static <T> T inTransaction(DataSource ds, SqlFunction<Connection, T> work) {
        try (Connection c = ds.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.apply(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new DbException(e);
        }
    }

    /** Runs {@code work} on a connection in auto-commit mode (one statement, one transaction). */
    public static <T> T withConnection(DataSource ds, SqlFunction<Connection, T> work) {
        try (Connection c = ds.getConnection()) {
            return work.apply(c);
        } catch (SQLException e) {
            throw new DbException(e);
        }
    }

    /** A function that may throw {@link SQLException}. */
    @FunctionalInterface
    public interface SqlFunction<A, R> {
        R apply(A a) throws SQLException;
    }
}
