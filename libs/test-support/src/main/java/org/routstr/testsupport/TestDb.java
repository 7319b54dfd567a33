package org.routstr.testsupport;

import javax.sql.DataSource;

import org.routstr.common.db.DbSettings;

/**
 * A database created for one test class: its settings (for services under test) and a pool on it.
 */
public record TestDb(DbSettings settings, DataSource dataSource) {
}
