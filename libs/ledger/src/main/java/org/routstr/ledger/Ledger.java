package org.routstr.ledger;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import org.routstr.common.db.Db;

/**
 * The only code that changes balances. Each operation is one transaction (or joins the caller's, through the
 * {@code Connection} overloads) and is idempotent by its key; the invariants live in SQL (migration V1), so they hold
 * whoever calls.
 */
public final class Ledger {
    private final DataSource ds;
    private volatile ReserveGroup group;
    private volatile ReadGroup reads;

    public Ledger(DataSource ds) {
        this.ds = Objects.requireNonNull(ds);
    }

    /**
     * From now on, concurrent {@link #reserve(UUID, String, long)} calls share transactions (group commit, see
     * {@link ReserveGroup}): the same outcomes, one commit flush for all that wait together. Close to go back to one
     * transaction per reservation.
     */
    public AutoCloseable groupReserves(int workers, int maxBatch) {
        ReserveGroup g = new ReserveGroup(this, ds, workers, maxBatch);
        group = g;
        return () -> {
            group = null;
            g.close();
        };
    }

    /**
     * From now on, concurrent {@link #available} calls that wait together are answered by one statement (see
     * {@link ReadGroup}): the same answers, each read made after its call. Close to go back to one statement per read.
     */
    public AutoCloseable groupReads(int maxBatch) {
        ReadGroup g = new ReadGroup(this, ds, maxBatch);
        reads = g;
        return () -> {
            reads = null;
            g.close();
        };
    }

    /** How many statements grouped reads took so far (0 when reads are not grouped). */
    long groupedReadStatements() {
        ReadGroup g = reads;
        return g == null ? 0 : g.statements();
    }

    /** Several reservations in one statement and one transaction, each decided as alone; the results in the order given. */
    public List<ReserveResult> reserveAll(List<ReserveRequest> requests) {
        return requests.isEmpty() ? List.of() : ReserveGroup.all(ds, requests).stream().map(Reserved::outcome).toList();
    }

    /** Opens an empty account for a key hash; false when it exists already. */
    public boolean open(NewAccount account) {
        return Db.withConnection(ds, c -> open(c, account));
    }

    /** {@link #open(NewAccount)} inside the caller's transaction. */
    public boolean open(Connection c, NewAccount a) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO accounts (key_hash, parent_hash, spending_limit_msat, limit_reset, valid_until, expires_at,
                                      refund_address, refund_mint_url, refund_unit)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key_hash) DO NOTHING""")) {
            ps.setString(1, a.keyHash());
            ps.setString(2, a.parentHash().orElse(null));
            ps.setObject(3, a.spendingLimitMsat().orElse(null));
            ps.setString(4, a.limitReset().map(LimitReset::sql).orElse(null));
            ps.setObject(5, a.validUntil().map(Accounts::timestamp).orElse(null));
            ps.setObject(6, a.expiresAt().map(Accounts::timestamp).orElse(null));
            ps.setString(7, a.refundAddress().orElse(null));
            ps.setString(8, a.refundMintUrl().orElse(null));
            ps.setString(9, a.refundUnit().orElse(null));
            return ps.executeUpdate() == 1;
        }
    }

    /** Adds a deposit; false when {@code idemKey} was applied before (nothing changes then). */
    public boolean credit(String accountHash, long msat, String idemKey, String memo) {
        return Db.withConnection(ds, c -> credit(c, accountHash, msat, idemKey, memo));
    }

    /** {@link #credit(String, long, String, String)} inside the caller's transaction. */
    public boolean credit(Connection c, String accountHash, long msat, String idemKey, String memo) throws SQLException {
        if (msat <= 0) {
            throw new IllegalArgumentException("a deposit must be positive");
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT ledger_credit(?, ?, 'deposit', ?, ?)")) {
            ps.setString(1, accountHash);
            ps.setLong(2, msat);
            ps.setString(3, idemKey);
            ps.setString(4, memo);
            return single(ps).getBoolean(1);
        }
    }

    /** Reserves the worst-case cost of a request in one round trip. Idempotent by reservation id. */
    public ReserveResult reserve(UUID reservationId, String keyHash, long msat) {
        return reserveSeeing(reservationId, keyHash, msat).outcome();
    }

    /**
     * {@link #reserve(UUID, String, long)}, also answering what the paying account has available right after it (same
     * round trip, same transaction), so a caller need not read the account again to report a balance.
     */
    public Reserved reserveSeeing(UUID reservationId, String keyHash, long msat) {
        ReserveGroup g = group;
        ReserveRequest r = new ReserveRequest(reservationId, keyHash, msat);
        return g == null ? reserveAlone(r) : g.reserve(r);
    }

    Reserved reserveAlone(ReserveRequest r) {
        return Db.withConnection(ds, c -> reserveSeeing(c, r.id(), r.keyHash(), r.msat()));
    }

    /** {@link #reserve(UUID, String, long)} on the given connection. */
    public ReserveResult reserve(Connection c, UUID reservationId, String keyHash, long msat) throws SQLException {
        return reserveSeeing(c, reservationId, keyHash, msat).outcome();
    }

    private static Reserved reserveSeeing(Connection c, UUID reservationId, String keyHash, long msat) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT outcome, available_msat FROM ledger_reserve_seeing(?, ?, ?)")) {
            ps.setObject(1, reservationId);
            ps.setString(2, keyHash);
            ps.setLong(3, msat);
            ResultSet rs = single(ps);
            return new Reserved(ReserveResult.of(rs.getString(1)), rs.getLong(2));
        }
    }

    /** Settles a reservation at its real cost; empty when it was not active (settled or released before). */
    public Optional<Settlement> settle(UUID reservationId, long costMsat, String memo) {
        return Db.withConnection(ds, c -> settle(c, reservationId, costMsat, memo));
    }

    /** {@link #settle(UUID, long, String)} inside the caller's transaction. */
    public Optional<Settlement> settle(Connection c, UUID reservationId, long costMsat, String memo) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT charged, unpaid FROM ledger_settle(?, ?, ?)")) {
            ps.setObject(1, reservationId);
            ps.setLong(2, costMsat);
            ps.setString(3, memo);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Settlement(rs.getLong(1), rs.getLong(2))) : Optional.empty();
            }
        }
    }

    /** Releases a reservation in full; false when it was not active. */
    public boolean release(UUID reservationId) {
        return Db.withConnection(ds, c -> release(c, reservationId));
    }

    /** {@link #release(UUID)} inside the caller's transaction. */
    public boolean release(Connection c, UUID reservationId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT ledger_release(?)")) {
            ps.setObject(1, reservationId);
            return single(ps).getBoolean(1);
        }
    }

    /** Takes {@code msat} out for a refund or withdrawal, or everything available when empty. */
    public DebitResult debit(String accountHash, Optional<Long> msat, DebitKind kind, String idemKey, String memo) {
        return Db.withConnection(ds, c -> debit(c, accountHash, msat, kind, idemKey, memo));
    }

    /** {@link #debit(String, Optional, DebitKind, String, String)} inside the caller's transaction. */
    public DebitResult debit(Connection c, String accountHash, Optional<Long> msat, DebitKind kind, String idemKey, String memo)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT outcome, amount FROM ledger_debit(?, ?, ?, ?, ?)")) {
            ps.setString(1, accountHash);
            ps.setObject(2, msat.orElse(null));
            ps.setString(3, kind.sql());
            ps.setString(4, idemKey);
            ps.setString(5, memo);
            ResultSet rs = single(ps);
            return DebitResult.of(rs.getString(1), rs.getLong(2));
        }
    }

    /** Charges a fee outside any request (the child-key cost), counted as spent; idempotent by {@code idemKey}. */
    public DebitResult fee(String accountHash, long msat, String idemKey, String memo) {
        return Db.withConnection(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT outcome, amount FROM ledger_fee(?, ?, ?, ?)")) {
                ps.setString(1, accountHash);
                ps.setLong(2, msat);
                ps.setString(3, idemKey);
                ps.setString(4, memo);
                ResultSet rs = single(ps);
                return DebitResult.of(rs.getString(1), rs.getLong(2));
            }
        });
    }

    /**
     * Starts a child key's limit window again (the reference's child-key reset); only its parent may.
     * Returns {@code ok}, {@code not_found} or {@code not_parent}.
     */
    public String resetChild(String childHash, String parentHash) {
        return Db.withConnection(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT ledger_reset_child(?, ?)")) {
                ps.setString(1, childHash);
                ps.setString(2, parentHash);
                return single(ps).getString(1);
            }
        });
    }

    /** Marks in-flight reservations as alive, so a long stream is not taken for an orphan. */
    public int heartbeat(Collection<UUID> reservationIds) {
        if (reservationIds.isEmpty()) {
            return 0;
        }
        return Db.withConnection(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE reservations SET heartbeat_at = now() WHERE id = ANY (?) AND status = 'active'")) {
                Array ids = c.createArrayOf("uuid", reservationIds.toArray());
                ps.setArray(1, ids);
                return ps.executeUpdate();
            }
        });
    }

    /**
     * What an account can spend now (balance minus everything reserved), 0 for an unknown key: one narrow read, made
     * after the call (shared with the reads waiting with it when {@link #groupReads} is on).
     */
    public long available(String keyHash) {
        ReadGroup g = reads;
        return g == null ? availableAlone(keyHash) : g.available(keyHash);
    }

    long availableAlone(String keyHash) {
        return Db.withConnection(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT balance_msat - reserved_msat FROM accounts WHERE key_hash = ?")) {
                ps.setString(1, keyHash);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }

    /** The account of a key hash. */
    public Optional<Account> account(String keyHash) {
        return Db.withConnection(ds, c -> Accounts.find(c, keyHash));
    }

    private static ResultSet single(PreparedStatement ps) throws SQLException {
        ResultSet rs = ps.executeQuery();
        if (!rs.next()) {
            throw new SQLException("ledger function returned no row");
        }
        return rs;
    }
}
