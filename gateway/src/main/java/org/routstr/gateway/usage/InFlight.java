package org.routstr.gateway.usage;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.routstr.common.db.DbException;
import org.routstr.ledger.Ledger;

/**
 * The reservations this gateway is serving; a virtual thread heartbeats them every {@code interval} (contract 3), so
 * billing never takes a long stream for an orphan.
 */
public final class InFlight implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(InFlight.class.getName());
    private final Map<UUID, Long> ids = new ConcurrentHashMap<>();
    private final Ledger ledger;
    private final Duration interval;
    private volatile boolean closed;
    private Thread thread;

    public InFlight(Ledger ledger, Duration interval) {
        this.ledger = ledger;
        this.interval = interval;
    }

    public InFlight start() {
        thread = Thread.ofVirtual().name("reservation-heartbeat").start(this::loop);
        return this;
    }

    public void add(UUID id) {
        add(id, 0);
    }

    /** A reservation of {@code msat} now being served (its msat shows in the in-flight gauge until {@link #remove}). */
    public void add(UUID id, long msat) {
        ids.put(id, msat);
    }

    public void remove(UUID id) {
        ids.remove(id);
    }

    /** Heartbeats the current set once. */
    public int beat() {
        List<UUID> now = List.copyOf(ids.keySet());
        return now.isEmpty() ? 0 : ledger.heartbeat(now);
    }

    /** How many reservations are being served. */
    public long count() {
        return ids.size();
    }

    /** The msat they reserve. */
    public long reservedMsat() {
        long sum = 0;
        for (long v : ids.values()) {
            sum += v;
        }
        return sum;
    }

    private void loop() {
        while (!closed) {
            try {
                Thread.sleep(interval);
                beat();
            } catch (InterruptedException e) {
                return;
            } catch (DbException e) {
                LOG.log(Level.WARNING, "heartbeat failed: " + e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
