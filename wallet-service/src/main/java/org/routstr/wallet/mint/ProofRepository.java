package org.routstr.wallet.mint;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;

import org.routstr.crypto.cashu.CashuJson;
import org.routstr.crypto.cashu.nut00.DleqProof;
import org.routstr.crypto.cashu.nut00.Proof;

/**
 * JDBC for the wallet's proofs, NUT-13 counters and mint operations. Proofs move unspent → pending (claimed by an
 * operation under row locks taken in one order, so concurrent claims on any replica wait for each other briefly instead
 * of seeing an empty wallet) → spent, or back to unspent.
 */
final class ProofRepository {
    private static final TypeReference<List<Proof>> PROOFS = new TypeReference<>() { };
    private static final TypeReference<List<Long>> LONGS = new TypeReference<>() { };

    private ProofRepository() {
    }

    /** Takes {@code n} counters of a keyset and returns the first; committed with the operation that uses them. */
    static long reserveCounters(Connection c, String mint, String keysetId, int n) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO wallet_counters (mint_url, keyset_id, next_counter) VALUES (?, ?, ?)
                ON CONFLICT (keyset_id) DO UPDATE SET next_counter = wallet_counters.next_counter + EXCLUDED.next_counter
                RETURNING next_counter""")) {
            ps.setString(1, mint);
            ps.setString(2, keysetId);
            ps.setLong(3, n);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) - n;
            }
        }
    }

    static void insertOperation(Connection c, Operation op, Duration lease) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO wallet_operations (id, kind, mint_url, unit, keyset_id, counter_start, amounts, send_count, inputs,
                                               quote_id, melt_quote_id, source_mint, lease_until)
                VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?::jsonb, ?, ?, ?, now() + make_interval(secs => ?))""")) {
            ps.setObject(1, op.id());
            ps.setString(2, op.kind());
            ps.setString(3, op.mintUrl());
            ps.setString(4, op.unit());
            ps.setString(5, op.keysetId());
            ps.setLong(6, op.counterStart());
            ps.setString(7, json(op.amounts()));
            ps.setInt(8, op.sendCount());
            ps.setString(9, json(op.inputs()));
            ps.setString(10, op.quoteId().orElse(null));
            ps.setString(11, op.meltQuoteId().orElse(null));
            ps.setString(12, op.sourceMint().orElse(null));
            ps.setDouble(13, lease.toMillis() / 1000.0);
            ps.executeUpdate();
        }
    }

    static void updateInputs(Connection c, UUID op, List<Proof> inputs) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE wallet_operations SET inputs = ?::jsonb WHERE id = ?")) {
            ps.setString(1, json(inputs));
            ps.setObject(2, op);
            ps.executeUpdate();
        }
    }

    /** Ends a started operation; false if it was not started any more (someone else finished it). */
    static boolean finish(Connection c, UUID op, boolean done, String error) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE wallet_operations SET state = ?, error = ?, finished_at = now() WHERE id = ? AND state = 'started'""")) {
            ps.setString(1, done ? "done" : "failed");
            ps.setString(2, error);
            ps.setObject(3, op);
            return ps.executeUpdate() == 1;
        }
    }

    /** Claims one started operation whose lease ran out (its replica died or gave up) and extends the lease. */
    static Optional<Operation> claimExpired(Connection c, Duration lease) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE wallet_operations SET lease_until = now() + make_interval(secs => ?)
                 WHERE id = (SELECT id FROM wallet_operations WHERE state = 'started' AND lease_until < now()
                              ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
                RETURNING *""")) {
            ps.setDouble(1, lease.toMillis() / 1000.0);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(operation(rs)) : Optional.empty();
            }
        }
    }

    /** Lets anyone resolve the operation now: its starter gave up waiting for the mint. */
    static void expireLease(Connection c, UUID op) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE wallet_operations SET lease_until = now() - interval '1 millisecond' WHERE id = ? AND state = 'started'")) {
            ps.setObject(1, op);
            ps.executeUpdate();
        }
    }

    /** Claims a given started operation if its lease ran out, extending the lease. */
    static Optional<Operation> claimIfExpired(Connection c, UUID op, Duration lease) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE wallet_operations SET lease_until = now() + make_interval(secs => ?)
                 WHERE id = ? AND state = 'started' AND lease_until < now() RETURNING *""")) {
            ps.setDouble(1, lease.toMillis() / 1000.0);
            ps.setObject(2, op);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(operation(rs)) : Optional.empty();
            }
        }
    }

    static Optional<Operation> operation(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM wallet_operations WHERE id = ?")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(operation(rs)) : Optional.empty();
            }
        }
    }

    static void insertProofs(Connection c, String mint, String unit, List<Proof> proofs, UUID origin) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO wallet_proofs (y, mint_url, unit, keyset_id, amount, secret, c, dleq, origin_op)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?) ON CONFLICT (y) DO NOTHING""")) {
            for (Proof p : proofs) {
                ps.setString(1, p.y());
                ps.setString(2, mint);
                ps.setString(3, unit);
                ps.setString(4, p.id());
                ps.setLong(5, p.amount());
                ps.setString(6, p.secret());
                ps.setString(7, p.C());
                ps.setString(8, p.dleq() == null ? null : json(p.dleq()));
                ps.setObject(9, origin);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** How many of the largest unspent proofs a claim locks first (then four times as many, and so on). */
    private static final int FIRST_CLAIM_ROWS = 64;

    /**
     * Locks the largest unspent proofs of a mint and unit for this transaction, as many as {@code choose} needs: it is
     * offered the largest {@value #FIRST_CLAIM_ROWS}, then four times as many, until it picks a selection or no proofs are
     * left. Rows another payout holds locked right now are skipped, never waited for (that payout's change comes back, and
     * {@code Sender.claimWaiting} tries again while proofs in flight could cover it). Locking only a prefix keeps a claim
     * short however many small proofs the wallet holds: locking every unspent proof made each claim read all of them (37,714
     * in a long chaos run) while every other payout queued behind it.
     */
    static <T> Optional<T> lockLargest(Connection c, String mint, String unit, Function<List<Proof>, Optional<T>> choose)
            throws SQLException {
        for (int limit = FIRST_CLAIM_ROWS; ; limit = Math.multiplyExact(limit, 4)) {
            List<Proof> some = lockUnspent(c, mint, unit, limit);
            Optional<T> chosen = choose.apply(some);
            if (chosen.isPresent() || some.size() < limit) {
                return chosen;
            }
        }
    }

    private static List<Proof> lockUnspent(Connection c, String mint, String unit, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT keyset_id, amount, secret, c, dleq FROM wallet_proofs
                 WHERE mint_url = ? AND unit = ? AND state = 'unspent' ORDER BY amount DESC LIMIT ? FOR UPDATE SKIP LOCKED""")) {
            ps.setString(1, mint);
            ps.setString(2, unit);
            ps.setInt(3, limit);
            List<Proof> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String dleq = rs.getString(5);
                    out.add(new Proof(rs.getLong(2), rs.getString(1), rs.getString(3), rs.getString(4), null,
                            dleq == null ? null : read(dleq, DleqProof.class)));
                }
            }
            return out;
        }
    }

    /** Whether the unspent proofs of a mint plus those an operation holds right now add up to {@code need}. */
    static boolean coverableWithInFlight(Connection c, String mint, String unit, long need) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT coalesce(sum(amount), 0) FROM wallet_proofs
                 WHERE mint_url = ? AND unit = ? AND state IN ('unspent', 'pending')""")) {
            ps.setString(1, mint);
            ps.setString(2, unit);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) >= need;
            }
        }
    }

    /** Moves proofs to a state for an operation (state CAS: only from the expected state). */
    static int setState(Connection c, List<Proof> proofs, String from, String to, UUID op) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE wallet_proofs SET state = ?, operation_id = ?, updated_at = now() WHERE y = ? AND state = ?""")) {
            int n = 0;
            for (Proof p : proofs) {
                ps.setString(1, to);
                ps.setObject(2, op);
                ps.setString(3, p.y());
                ps.setString(4, from);
                n += ps.executeUpdate();
            }
            return n;
        }
    }

    /** Sum of unspent proofs per "mint|unit" (claimed ones are on their way out). */
    static Map<String, Long> holdings(Connection c) throws SQLException {
        Map<String, Long> m = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT mint_url, unit, sum(amount) FROM wallet_proofs WHERE state = 'unspent' GROUP BY 1, 2""");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                m.put(rs.getString(1) + "|" + rs.getString(2), rs.getLong(3));
            }
        }
        return m;
    }

    private static Operation operation(ResultSet rs) throws SQLException {
        String inputs = rs.getString("inputs");
        return new Operation((UUID) rs.getObject("id"), rs.getString("kind"), rs.getString("mint_url"), rs.getString("unit"),
                rs.getString("keyset_id"), rs.getLong("counter_start"), read(rs.getString("amounts"), LONGS),
                rs.getInt("send_count"), inputs == null ? List.of() : read(inputs, PROOFS),
                Optional.ofNullable(rs.getString("quote_id")), Optional.ofNullable(rs.getString("melt_quote_id")),
                Optional.ofNullable(rs.getString("source_mint")));
    }

    static String json(Object o) {
        try {
            return CashuJson.mapper().writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + o.getClass().getSimpleName(), e);
        }
    }

    private static <T> T read(String json, TypeReference<T> type) {
        try {
            return CashuJson.mapper().readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt wallet row", e);
        }
    }

    private static <T> T read(String json, Class<T> type) {
        try {
            return CashuJson.mapper().readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt wallet row", e);
        }
    }
}
