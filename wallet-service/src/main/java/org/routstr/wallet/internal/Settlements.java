package org.routstr.wallet.internal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.UUID;

import javax.sql.DataSource;

import org.routstr.common.db.Db;

/**
 * Waits until billing has settled (or the gateway released) a request's reservation, so its change can be paid.
 */
public final class Settlements {
    private final DataSource ds;
    private final Duration wait;

    public Settlements(DataSource ds, Duration wait) {
        this.ds = ds;
        this.wait = wait;
    }

    /** True once the reservation is no longer active (or never existed); false after the wait. */
    boolean awaitFinished(UUID reservationId) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            if (!active(reservationId)) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private boolean active(UUID id) {
        return Db.withConnection(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM reservations WHERE id = ? AND status = 'active'")) {
                ps.setObject(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }
}
