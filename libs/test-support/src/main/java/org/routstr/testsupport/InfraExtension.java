package org.routstr.testsupport;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import org.routstr.common.db.Db;
import org.routstr.common.db.DbSettings;
import org.routstr.common.kafka.KafkaSettings;

/**
 * Resolves {@link TestDb}, {@link DataSource} and {@link KafkaSettings} parameters; the database is created and migrated once
 * per test class and its pool closed after the class.
 */
final class InfraExtension implements ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(InfraExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext ctx) {
        Class<?> t = p.getParameter().getType();
        return t == TestDb.class || t == DataSource.class || t == KafkaSettings.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext ctx) {
        Class<?> t = p.getParameter().getType();
        if (t == KafkaSettings.class) {
            return Infra.kafka("test-" + ctx.getRequiredTestClass().getSimpleName());
        }
        TestDb db = classStore(ctx).getOrComputeIfAbsent("db", k -> new ClosingDb(create()), ClosingDb.class).db();
        return t == TestDb.class ? db : db.dataSource();
    }

    private static ExtensionContext.Store classStore(ExtensionContext ctx) {
        ExtensionContext c = ctx;
        while (c.getTestMethod().isPresent() && c.getParent().isPresent()) {
            c = c.getParent().get();
        }
        return c.getStore(NS);
    }

    private static TestDb create() {
        DbSettings settings = Infra.newDatabase();
        HikariDataSource ds = Db.pool(settings, "test");
        Db.migrate(ds);
        return new TestDb(settings, ds);
    }

    /** Closes the pool when JUnit closes the class's store. */
    private record ClosingDb(TestDb db) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            ((HikariDataSource) db.dataSource()).close();
        }
    }
}
