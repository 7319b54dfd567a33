package org.routstr.wallet.mint;

import java.lang.System.Logger.Level;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import org.routstr.common.db.Db;

/**
 * Pays out keys whose {@code expires_at} passed and that have a refund address (the reference stored these and never
 * refunded): melted to the refund Lightning address. The payout id {@code expiry:<key hash>} makes it happen once.
 */
public final class ExpiryRefunds {
    private static final System.Logger LOG = System.getLogger(ExpiryRefunds.class.getName());

    private final DataSource ds;
    private final Sender sender;

    public ExpiryRefunds(DataSource ds, Sender sender) {
        this.ds = ds;
        this.sender = sender;
    }

    public int runOnce() {
        List<String[]> due = Db.withConnection(ds, c -> {
            List<String[]> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT key_hash, coalesce(refund_unit, 'sat'), refund_mint_url, refund_address FROM accounts a
                     WHERE parent_hash IS NULL AND expires_at < now() AND refund_address IS NOT NULL
                       AND balance_msat - reserved_msat >= 1000
                       AND NOT EXISTS (SELECT 1 FROM wallet_tokens_out o WHERE o.id = 'expiry:' || a.key_hash)
                     LIMIT 100""");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)});
                }
            }
            return out;
        });
        for (String[] d : due) {
            String mint = d[2] == null ? sender.primaryMint() : d[2];
            Optional<Issued> i = sender.payOut("expiry:" + d[0], "expiry", d[0], Optional.empty(), d[1], mint,
                    Optional.of(d[3]));
            LOG.log(Level.INFO, "expired key refunded key_hash=" + d[0].substring(0, 8) + " state=" + i.map(Issued::state).orElse("none"));
        }
        return due.size();
    }
}
