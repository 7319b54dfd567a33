package org.routstr.common.events;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A cluster-wide notice on {@link Topics#CONTROL}: a revoked key, a changed catalog or setting, a new BTC rate. Receivers
 * re-read the database; the event only says what changed.
 *
 * @param type   {@code key.revoked}, {@code key.changed}, {@code catalog.changed}, {@code settings.changed}, {@code btc.rate}
 * @param entity the id of what changed (a key hash, a model id, a setting name)
 */
public record ControlEvent(int schema, String type, String entity, Map<String, Object> data, Instant at) {
    public static final int SCHEMA = 1;

    public ControlEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(entity, "entity");
        data = data == null ? Map.of() : Map.copyOf(data);
    }

    /** A new event stamped now. */
    public static ControlEvent of(String type, String entity, Map<String, Object> data) {
        return new ControlEvent(SCHEMA, type, entity, data, Instant.now());
    }
}
