package org.routstr.common.settings;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import io.helidon.config.Config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * Collects the first-start values a service's configuration gives for settings it owns. Only keys present in the
 * configuration become seeds, so one service's absent key never pins a default over another service's configured value.
 */
public final class SettingsSeed {
    private final Map<SettingField, JsonNode> seeds = new EnumMap<>(SettingField.class);

    /** A text or number config value, if present. */
    public SettingsSeed text(SettingField f, Config c) {
        c.asString().ifPresent(s -> seeds.put(f, JsonNodeFactory.instance.textNode(s)));
        return this;
    }

    /** A boolean config value, if present. */
    public SettingsSeed bool(SettingField f, Config c) {
        c.asBoolean().ifPresent(b -> seeds.put(f, JsonNodeFactory.instance.booleanNode(b)));
        return this;
    }

    /** A whole-number config value, if present. */
    public SettingsSeed number(SettingField f, Config c) {
        c.asLong().ifPresent(n -> seeds.put(f, JsonNodeFactory.instance.numberNode(n)));
        return this;
    }

    /** A list config value (YAML list or comma-separated), if present. */
    public SettingsSeed list(SettingField f, Config c) {
        List<String> values = c.asList(String.class).orElseGet(() -> c.asString().map(s -> List.of(s.split(","))).orElse(List.of()));
        if (c.exists()) {
            ArrayNode a = JsonNodeFactory.instance.arrayNode();
            values.stream().map(String::strip).filter(s -> !s.isEmpty()).forEach(a::add);
            seeds.put(f, a);
        }
        return this;
    }

    /** An explicit value. */
    public SettingsSeed value(SettingField f, JsonNode v) {
        seeds.put(f, v);
        return this;
    }

    /** The seeds collected. */
    public Map<SettingField, JsonNode> values() {
        return Map.copyOf(seeds);
    }
}
