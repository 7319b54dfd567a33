package org.routstr.ledger;

import java.lang.System.Logger.Level;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
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
    private final Ledger ledger;
    private final DataSource ds;
    private final int maxBatch;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final AtomicLong statements = new AtomicLong();
    private final Thread worker;
    private volatile boolean closed;

    private record Pending(String keyHash, CompletableFuture<Long> done) {
    }

    ReadGroup(Ledger ledger, DataSource ds, int maxBatch) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("read group batch size must be positive");
        }
        this.ledger = ledger;
        this.ds = ds;
        this.maxBatch = maxBatch;
        this.worker = Thread.ofPlatform().daemon().name("read-group").start(this::loop);
    }

    long available(String keyHash) {
        if (closed) {
            return ledger.availableAlone(keyHash);
        }
        Pending p = new Pending(keyHash, new CompletableFuture<>());
        queue.add(p);
        if (closed && queue.remove(p)) { // closed while queueing: the worker may not take it any more
            return ledger.availableAlone(keyHash);
        }
        try {
            return p.done().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : e;
        }
    }

    /** How many statements answered the reads so far. */
    long statements() {
        return statements.get();
    }

    private void loop() {
        while (!closed) {
            List<Pending> batch = new ArrayList<>();
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                break;
            }
            queue.drainTo(batch, maxBatch - 1);
            run(batch);
        }
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        run(left);
    }

    private void run(List<Pending> batch) {
        if (batch.isEmpty()) {
            return;
        }
        Map<String, Long> found;
        try {
            found = read(batch.stream().map(Pending::keyHash).distinct().toArray(String[]::new));
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "grouped read of " + batch.size() + " balances failed: " + e.getMessage());
            batch.forEach(p -> p.done().completeExceptionally(e));
            return;
        }
        batch.forEach(p -> p.done().complete(found.getOrDefault(p.keyHash(), 0L)));
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
        closed = true;
        worker.interrupt();
    }
}
