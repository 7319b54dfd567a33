package org.routstr.common.db;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;

import javax.sql.DataSource;

import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;

import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;

/**
 * Who applies the schema migrations. By default every service migrates at start ({@code db.migrate: true}; Flyway's
 * advisory lock serialises replicas). On Kubernetes a Job runs {@link #main} once per rollout and the services run with
 * {@code db.migrate: false}: they then wait, up to {@code db.migrate-wait}, until no migration of theirs is pending, so a new
 * pod never serves on an old schema and no two pods race to migrate.
 */
public final class Migrations {
    private static final System.Logger LOG = System.getLogger(Migrations.class.getName());
    private static final Duration POLL = Duration.ofSeconds(2);

    private Migrations() {
    }

    /** Migrates, or waits for the migration job, as the {@code db} config node says. */
    public static void apply(Config db, DataSource ds) {
        if (db.get("migrate").asBoolean().orElse(true)) {
            Db.migrate(ds);
            return;
        }
        awaitCurrent(ds, db.get("migrate-wait").as(Duration.class).orElse(Duration.ofMinutes(5)));
    }

    /** Returns once no migration is pending; throws when some still are after {@code wait}. */
    public static void awaitCurrent(DataSource ds, Duration wait) {
        Flyway flyway = flyway(ds);
        Instant deadline = Instant.now().plus(wait);
        int pending = flyway.info().pending().length;
        if (pending > 0) {
            LOG.log(Level.INFO, "db.migrate is false: waiting up to " + wait + " for the migration job (" + pending + " pending)");
        }
        while (pending > 0) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(pending + " schema migration(s) still pending after " + wait
                                                + "; db.migrate is false, so the migration job must apply them");
            }
            sleep();
            pending = flyway.info().pending().length;
        }
    }

    /** The migration job: migrates the database of the {@code db} config (environment over application.yaml), then exits. */
    public static void main(String[] args) {
        LogConfig.configureRuntime();
        Config db = Config.create().get("db");
        DbSettings settings = DbSettings.from(db);
        try (HikariDataSource ds = Db.pool(new DbSettings(settings.url(), settings.user(), settings.password(), 2), "migrate")) {
            Db.migrate(ds);
            LOG.log(Level.INFO, "schema is current: " + flyway(ds).info().current().getVersion());
        }
    }

    private static Flyway flyway(DataSource ds) {
        return Flyway.configure().dataSource(ds).locations("classpath:db/migration").loggers("slf4j").load();
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for migrations", e);
        }
    }
}
