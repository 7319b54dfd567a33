package org.routstr.ledger;

import java.lang.System.Logger.Level;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.routstr.common.db.Db;

/**
 * Grouped {@link Ledger#available} reads: the calls waiting together are answered by one statement. Each read runs
 * after its call was made (a worker takes it from the queue only then), so it sees everything committed before the call,
 * as a read of its own would; nothing waits for a batch to fill. A batch that fails fails each of its callers with the
 * same exception a read of its own would have thrown.
 */
final class ReadGroup implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ReadGroup.class.getName());
    private static final String READ = "SELECT key_hash, balance_msat - reserved_msat FROM accounts WHERE key_hash = ANY (?)";
    private final DataSource ds;
    private final AtomicLong statements = new AtomicLong();
    private final Batches<String, Long> batches;

    ReadGroup(Ledger ledger, DataSource ds, int maxBatch) {
        this.ds = ds;
        this.batches = new Batches<>("read-group", 1, maxBatch, this::run, ledger::availableAlone);
    }

    long available(String keyHash) {
        return batches.submit(keyHash);
    }

    /** How many statements answered the reads so far. */
    long statements() {
        return statements.get();
    }

    private void run(List<Batches.Call<String, Long>> batch) {
        Map<String, Long> found;
        try {
            found = read(batch.stream().map(Batches.Call::in).distinct().toArray(String[]::new));
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "grouped read of " + batch.size() + " balances failed: " + e.getMessage());
            batch.forEach(c -> c.done().completeExceptionally(e));
            return;
        }
        batch.forEach(c -> c.done().complete(found.getOrDefault(c.in(), 0L)));
    }

    private Map<String, Long> read(String[] keys) {
        statements.incrementAndGet();
        return Db.withConnection(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(READ)) {
                ps.setArray(1, c.createArrayOf("text", keys));
                Map<String, Long> out = new HashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), rs.getLong(2));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public void close() {
        batches.close();
    }
}
