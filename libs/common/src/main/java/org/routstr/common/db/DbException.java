package org.routstr.common.db;

import java.sql.SQLException;

/**
 * An unchecked wrapper for SQL failures at the edge of the data layer; it maps to a generic 500 or 503.
 */
public final class DbException extends RuntimeException {
    public DbException(SQLException cause) {
        super(cause.getMessage(), cause);
    }

    /** The SQLSTATE of the underlying failure. */
    public String sqlState() {
        return ((SQLException) getCause()).getSQLState();
    }
}
