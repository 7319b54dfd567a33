package org.routstr.ledger;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import javax.sql.DataSource;

import org.routstr.common.db.Db;
import org.routstr.common.db.DbException;

/**
 * Group commit of reservations: concurrent {@link Ledger#reserve} calls queue here and each worker takes all that are
 * waiting (up to {@code maxBatch}) into one statement, one transaction and one commit flush. Each reservation is still
 * decided exactly as {@code ledger_reserve_seeing} would decide it alone (one after another in that transaction, each
 * seeing the ones before it), so no rule changes: a caller returns only once its reservation is committed. Nothing waits for a
 * batch to fill: a lone request goes at once, and requests group only while a commit is under way. Each batch takes its
 * rows in one lock order (see {@link #EACH}); a batch that fails as a whole (a lost connection) is retried one
 * reservation at a time.
 */
final class ReserveGroup implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ReserveGroup.class.getName());
    /**
     * A batch where some key repeats, decided by {@code ledger_reserve_many} (V190): a run of one self-paying key without a
     * limit window updates its account row once. The lock order is {@link #EACH}'s.
     */
    private static final String MANY = "SELECT n, outcome, available_msat FROM ledger_reserve_many(?::uuid[], ?::text[], ?::bigint[])";
    /**
     * A batch of distinct keys, one {@code ledger_reserve_seeing} call per reservation, in one lock order: by paying
     * account (a child key's parent, which ledger_reserve_seeing locks before the child), then key, then the order given
     * (so one key's reservations are decided in the caller's order). Sorted by key alone, [A, C] (C a child of P) locked A
     * then P while [P, A] locked P then A: a deadlock. OFFSET 0 keeps the sorted subquery as the outer side, so the
     * function is called row by row in that order.
     */
    private static final String EACH = "SELECT r.n, s.outcome, s.available_msat FROM ("
                                       + "SELECT u.id, u.k, u.a, u.n, coalesce(acc.parent_hash, u.k) AS payer"
                                       + " FROM unnest(?::uuid[], ?::text[], ?::bigint[]) WITH ORDINALITY AS u(id, k, a, n)"
                                       + " LEFT JOIN accounts acc ON acc.key_hash = u.k ORDER BY payer, u.k, u.n OFFSET 0) r,"
                                       + " LATERAL ledger_reserve_seeing(r.id, r.k, r.a) s";
    private final DataSource ds;
    private final Batches<ReserveRequest, Reserved> batches;

    ReserveGroup(Ledger ledger, DataSource ds, int workers, int maxBatch) {
        this.ds = ds;
        this.batches = new Batches<>("reserve-group", workers, maxBatch, this::run, ledger::reserveAlone);
    }

    Reserved reserve(ReserveRequest r) {
        return batches.submit(r);
    }

    /** Several reservations in one statement and transaction; the results in the order given. */
    static List<Reserved> all(DataSource ds, List<ReserveRequest> rs) {
        return Db.withConnection(ds, c -> all(c, rs));
    }

    private static List<Reserved> all(Connection c, List<ReserveRequest> rs) throws SQLException {
        boolean repeats = rs.stream().map(ReserveRequest::keyHash).distinct().count() < rs.size();
        try (PreparedStatement ps = c.prepareStatement(repeats ? MANY : EACH)) {
            ps.setArray(1, c.createArrayOf("uuid", rs.stream().map(ReserveRequest::id).toArray()));
            ps.setArray(2, c.createArrayOf("text", rs.stream().map(ReserveRequest::keyHash).toArray()));
            ps.setArray(3, c.createArrayOf("bigint", rs.stream().map(ReserveRequest::msat).toArray()));
            Reserved[] out = new Reserved[rs.size()];
            try (ResultSet set = ps.executeQuery()) {
                while (set.next()) {
                    out[(int) set.getLong(1) - 1] = new Reserved(ReserveResult.of(set.getString(2)), set.getLong(3));
                }
            }
            for (Reserved x : out) {
                if (x == null) {
                    throw new SQLException("the batch returned fewer rows than reservations");
                }
            }
            return List.of(out);
        }
    }

    private void run(List<Batches.Call<ReserveRequest, Reserved>> batch) {
        if (batch.size() == 1) {
            batches.alone(batch.getFirst());
            return;
        }
        List<Reserved> results;
        try {
            results = all(ds, batch.stream().map(Batches.Call::in).toList());
        } catch (DbException | IllegalStateException e) {
            LOG.log(Level.WARNING, "group reserve of " + batch.size() + " failed (" + e.getMessage() + "); one at a time");
            batch.forEach(batches::alone);
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).done().complete(results.get(i));
        }
    }

    @Override
    public void close() {
        batches.close();
    }
}
