package org.routstr.testsupport;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import org.routstr.common.db.Db;
import org.routstr.common.db.DbSettings;
import org.routstr.common.db.Migrations;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** db.migrate: a service migrates by default; with false it never migrates and waits for the migration job instead. */
class MigrationsTest {

    @Test
    void byDefaultTheServiceMigrates() {
        try (HikariDataSource ds = Db.pool(Infra.newDatabase(), "m1")) {
            Migrations.apply(db(Map.of()), ds);
            assertThat(tables(ds), greaterThan(0L));
        }
    }

    @Test
    void withMigrateFalseItDoesNotMigrateAndFailsClearlyWhenTheJobNeverRan() {
        try (HikariDataSource ds = Db.pool(Infra.newDatabase(), "m2")) {
            long t0 = System.nanoTime();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Migrations.apply(db(Map.of("migrate", "false", "migrate-wait", "PT1S")), ds));
            assertThat(e.getMessage(), containsString("still pending after PT1S; db.migrate is false"));
            assertThat(Duration.ofNanos(System.nanoTime() - t0).toMillis(), greaterThan(900L));
            assertThat("nothing was migrated", tables(ds), is(0L));
        }
    }

    @Test
    void withMigrateFalseItWaitsForTheJobAndStartsOnceTheSchemaIsCurrent() throws Exception {
        DbSettings settings = Infra.newDatabase();
        try (HikariDataSource ds = Db.pool(settings, "m3")) {
            Thread job = Thread.ofVirtual().start(() -> {
                sleep(1500);
                Db.migrate(ds);   // what Migrations.main does in the routstr-migrate Job
            });
            long t0 = System.nanoTime();
            Migrations.apply(db(Map.of("migrate", "false", "migrate-wait", "PT60S")), ds);
            long waited = Duration.ofNanos(System.nanoTime() - t0).toMillis();
            job.join();
            assertThat(waited, greaterThan(1000L));
            assertThat(waited, lessThan(60_000L));
            assertThat(tables(ds), greaterThan(0L));
            // and a current schema returns at once
            long t1 = System.nanoTime();
            Migrations.apply(db(Map.of("migrate", "false")), ds);
            assertThat(Duration.ofNanos(System.nanoTime() - t1).toMillis(), lessThan(10_000L));
        }
    }

    /**
     * V200: the tables every paid request leaves dead versions in are vacuumed after a fixed number of them, not after
     * 20 % of a table that only grows (the bench's hot key ran at half speed on 39,872 unvacuumed dead reservations).
     */
    @Test
    void theBusyTablesAreVacuumedAfterAFixedNumberOfDeadRows() {
        try (HikariDataSource ds = Db.pool(Infra.newDatabase(), "m4")) {
            Migrations.apply(db(Map.of()), ds);
            for (String table : new String[] {"reservations", "billing_processed_events", "accounts"}) {
                String options = Db.withConnection(ds, c -> {
                    try (var ps = c.prepareStatement("SELECT array_to_string(reloptions, ' ') FROM pg_class WHERE relname = ?")) {
                        ps.setString(1, table);
                        try (var rs = ps.executeQuery()) {
                            return rs.next() ? String.valueOf(rs.getString(1)) : "no table";
                        }
                    }
                });
                List<String> set = List.of(options.split(" "));
                assertThat(table, set, hasItem("autovacuum_vacuum_scale_factor=0"));
                assertThat(table, set, hasItem(startsWith("autovacuum_vacuum_threshold=")));
            }
        }
    }

    private static Config db(Map<String, String> values) {
        return Config.just(ConfigSources.create(values));
    }

    private static long tables(HikariDataSource ds) {
        return Db.withConnection(ds, c -> {
            try (var st = c.createStatement(); var rs = st.executeQuery(
                    "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'accounts'")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
