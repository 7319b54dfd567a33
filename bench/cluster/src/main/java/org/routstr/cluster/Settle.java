package org.routstr.cluster;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Waits until the cluster has settled: no active reservation, nothing in a gateway's outbox, no wallet operation, top-up
 * or payout in flight (a killed wallet's are finished by recovery once their lease runs out).
 */
final class Settle {
    private Settle() {
    }

    static void await(Cluster cluster, Duration max) {
        long deadline = System.currentTimeMillis() + max.toMillis();
        while (System.currentTimeMillis() < deadline) {
            try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(), "postgres", "");
                 Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT (SELECT count(*) FROM reservations WHERE status = 'active')"
                                                + " + (SELECT count(*) FROM usage_outbox)"
                                                // a killed wallet's mint operations, top-ups and payouts, until recovery ends them
                                                + " + (SELECT count(*) FROM wallet_operations WHERE state = 'started')"
                                                + " + (SELECT count(*) FROM wallet_tokens_in WHERE state = 'pending')"
                                                + " + (SELECT count(*) FROM wallet_tokens_out WHERE state = 'pending')")) {
                rs.next();
                if (rs.getLong(1) == 0) {
                    Cluster.sleep(3000); // a last round of the wallets' recovery
                    return;
                }
            } catch (SQLException e) {
                // the database may be restarting
            }
            Cluster.sleep(500);
        }
    }
}
