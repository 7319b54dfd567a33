package org.routstr.common.db;

import java.sql.SQLException;

/**
 * An unchecked wrapper for SQL failures at the edge of the data layer; it maps to a generic 500 or 503.
 */
public final class DbException extends RuntimeException {
    public DbException(SQLException cause) {
        super(cause.getMessage(), cause);
    }

    /**
     * Whether the failure is the database being out of reach rather than the statement: no pooled connection in time,
     * a connection refused or lost (SQLSTATE class 08), the server shutting down or restarting (57P01–57P03), or a
     * pooled connection the pool closed under its user after such a failure (HikariCP's "Connection is closed", which
     * carries no SQLSTATE; seen when PostgreSQL restarted in the chaos run).
     */
    public boolean unavailable() {
        SQLException e = (SQLException) getCause();
        String state = e.getSQLState();
        return e instanceof java.sql.SQLTransientConnectionException || e instanceof java.sql.SQLNonTransientConnectionException
               || state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03"))
               || state == null && "Connection is closed".equals(e.getMessage());
    }

    /** The SQLSTATE of the underlying failure. */
    public String sqlState() {
        return ((SQLException) getCause()).getSQLState();
    }
}
