package org.routstr.admin.sessions;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import org.routstr.common.db.Db;
import org.routstr.common.events.ControlEvent;
import org.routstr.common.http.ApiException;
import org.routstr.common.kafka.ControlBus;
import org.routstr.ledger.DebitResult;
import org.routstr.ledger.DebitKind;
import org.routstr.ledger.Ledger;

/**
 * Revokes a key: status {@code revoked} and its available balance taken by one {@code forfeit} ledger entry (idempotent by
 * key hash), so it becomes the operator's (Your Balance = wallet − user balances), in one transaction; what its requests
 * in flight hold is forfeited as they settle (V120); then {@code key.revoked} makes every gateway drop its cached entry. Plain JDBC here: the ledger needs the transaction's own connection.
 */
final class Revoker {
    private final DataSource ds;
    private final Ledger ledger;
    private final ControlBus bus;

    Revoker(DataSource ds, Ledger ledger, ControlBus bus) {
        this.ds = ds;
        this.ledger = ledger;
        this.bus = bus;
    }

    /** What a revoke did. */
    record Revoked(String previousStatus, long forfeitedMsat) {
    }

    Revoked revoke(String hash) {
        Revoked r = Db.inTransaction(ds, c -> {
            String before;
            boolean child;
            try (PreparedStatement ps = c.prepareStatement("SELECT status, parent_hash IS NOT NULL FROM accounts WHERE key_hash = ? FOR UPDATE")) {
                ps.setString(1, hash);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw ApiException.notFound("API key not found");
                    }
                    before = rs.getString(1);
                    child = rs.getBoolean(2);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE accounts SET status = 'revoked' WHERE key_hash = ?")) {
                ps.setString(1, hash);
                ps.executeUpdate();
            }
            long taken = 0;
            if (!child) {
                DebitResult d = ledger.debit(c, hash, Optional.empty(), DebitKind.FORFEIT, "revoke:" + hash,
                                             "revoked by the operator: the available balance goes to the operator");
                taken = switch (d) {
                    case DebitResult.Debited x -> x.msat();
                    case DebitResult.Duplicate x -> 0;
                    case DebitResult.Insufficient x -> 0;
                };
            }
            return new Revoked(before, taken);
        });
        bus.publish(ControlEvent.of("key.revoked", hash, Map.of()));
        return r;
    }
}
