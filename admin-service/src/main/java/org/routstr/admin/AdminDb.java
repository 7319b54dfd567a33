package org.routstr.admin;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.DbStatements;
import io.helidon.dbclient.jdbc.JdbcClientBuilder;
import io.helidon.dbclient.jdbc.JdbcConnectionPool;

/**
 * Helidon DB Client on the service's shared Hikari pool (stack.md 2.1: helidon-dbclient-hikari is not served at 4.5.0, so
 * the pool is wrapped here), with the named statements of {@code db-statements.yaml}.
 */
public final class AdminDb {
    private AdminDb() {
    }

    /** A client whose connections come from {@code ds}. */
    public static DbClient create(DataSource ds) {
        JdbcConnectionPool pool = new JdbcConnectionPool() {
            @Override
            public Connection connection() {
                try {
                    return ds.getConnection();
                } catch (SQLException e) {
                    throw new DbClientException("no database connection", e);
                }
            }

            @Override
            public String dbType() {
                return "postgresql";
            }
        };
        Config statements = Config.just(ConfigSources.classpath("db-statements.yaml")).get("statements");
        return JdbcClientBuilder.create().connectionPool(pool).statements(DbStatements.create(statements)).build();
    }
}
