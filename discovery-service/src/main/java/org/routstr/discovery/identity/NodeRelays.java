package org.routstr.discovery.identity;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.routstr.nostr.RelayOptions;
import org.routstr.nostr.RelayPool;

/**
 * The node's relay connections, following the identity's relay list: {@link #update(List)} swaps the pool when the list
 * changes and tells the listeners (the directory re-subscribes).
 */
public final class NodeRelays implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NodeRelays.class.getName());
    private final RelayOptions options;
    private final List<Consumer<RelayPool>> listeners = new CopyOnWriteArrayList<>();
    private RelayPool pool;

    public NodeRelays(RelayOptions options, List<String> relays) {
        this.options = options;
        this.pool = newPool(relays);
    }

    public synchronized RelayPool pool() {
        return pool;
    }

    /** Called with the new pool after every change. */
    public void onChange(Consumer<RelayPool> listener) {
        listeners.add(listener);
    }

    /** Uses these relays from now on (no-op when unchanged). */
    public void update(List<String> relays) {
        RelayPool fresh;
        RelayPool old;
        synchronized (this) {
            if (pool.urls().equals(relays.stream().distinct().toList())) {
                return;
            }
            old = pool;
            fresh = newPool(relays);
            pool = fresh;
        }
        LOG.log(System.Logger.Level.INFO, "nostr relays now " + fresh.urls());
        listeners.forEach(l -> l.accept(fresh));
        old.close();
    }

    private RelayPool newPool(List<String> relays) {
        return new RelayPool(relays, options, notice -> { });
    }

    @Override
    public synchronized void close() {
        pool.close();
    }
}
