package org.routstr.common.settings;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.routstr.common.db.DbException;
import org.routstr.common.events.ControlEvent;
import org.routstr.common.kafka.ControlBus;

/**
 * The current {@link OperatorSettings} of this replica: read from the database at start, re-read and swapped atomically on
 * a {@code settings.changed} notice and every {@code interval} (which covers a lost notice). Readers call
 * {@link #current()} per request.
 */
public final class LiveSettings implements AutoCloseable {
    /** The control-topic type admin-service publishes after a settings transaction commits. */
    public static final String CHANGED = "settings.changed";
    private static final System.Logger LOG = System.getLogger(LiveSettings.class.getName());
    private final SettingsStore store;
    private final Duration interval;
    private final AtomicReference<OperatorSettings> current;
    private final List<Consumer<OperatorSettings>> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    private Thread poller;

    private LiveSettings(SettingsStore store, Duration interval) {
        this.store = store;
        this.interval = interval;
        this.current = new AtomicReference<>(store.read());
    }

    /** Reads the settings now, then follows the control topic (when there is one) and re-reads every {@code interval}. */
    public static LiveSettings start(SettingsStore store, Optional<ControlBus> bus, Duration interval) {
        LiveSettings live = new LiveSettings(store, interval);
        bus.ifPresent(b -> b.listen(live::onControl));
        live.poller = Thread.ofVirtual().name("settings-refresh").start(live::loop);
        return live;
    }

    /** The snapshot to use for this request. */
    public OperatorSettings current() {
        return current.get();
    }

    /** Calls {@code listener} after every swap to a changed snapshot (on the refreshing thread). */
    public void onChange(Consumer<OperatorSettings> listener) {
        listeners.add(listener);
    }

    /** Re-reads the table and swaps the snapshot if anything changed. */
    public void refresh() {
        OperatorSettings fresh = store.read();
        OperatorSettings old = current.getAndSet(fresh);
        if (!fresh.equals(old)) {
            LOG.log(Level.INFO, "settings reloaded (version " + fresh.version() + ")");
            for (Consumer<OperatorSettings> l : listeners) {
                l.accept(fresh);
            }
        }
    }

    private void onControl(ControlEvent e) {
        if (CHANGED.equals(e.type())) {
            refresh();
        }
    }

    private void loop() {
        while (!closed) {
            try {
                Thread.sleep(interval);
                refresh();
            } catch (InterruptedException e) {
                return;
            } catch (DbException | IllegalStateException e) {
                LOG.log(Level.WARNING, "settings refresh failed: " + e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        if (poller != null) {
            poller.interrupt();
        }
    }
}
