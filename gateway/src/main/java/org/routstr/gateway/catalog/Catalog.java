package org.routstr.gateway.catalog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The cached catalog: public model ids and aliases (case-insensitive) to their routes, best first. {@link #refresh()} swaps
 * in a new snapshot; it runs at start, on {@code catalog.changed} and every minute.
 */
public final class Catalog {
    private final CatalogRepository repository;
    private volatile Map<String, List<Route>> byName = Map.of();
    private volatile Map<String, Route> byId = Map.of();

    public Catalog(CatalogRepository repository) {
        this.repository = repository;
    }

    /** Reloads from the database. */
    public void refresh() {
        Map<String, List<Route>> names = new LinkedHashMap<>();
        Map<String, Route> ids = new LinkedHashMap<>();
        for (Route r : repository.load()) {
            ids.putIfAbsent(r.modelId(), r);
            add(names, r.modelId(), r);
            for (String a : r.aliases()) {
                add(names, a, r);
            }
        }
        names.replaceAll((k, v) -> List.copyOf(v));
        byName = Map.copyOf(names);
        byId = java.util.Collections.unmodifiableMap(ids);
    }

    /** The routes serving a requested model id or alias, best first; empty when unknown or disabled. */
    public List<Route> routes(String model) {
        List<Route> r = byName.get(model.toLowerCase(Locale.ROOT));
        return r == null ? List.of() : r;
    }

    /** One route (the best) per public model id, in catalog order. */
    public List<Route> models() {
        return List.copyOf(byId.values());
    }

    private static void add(Map<String, List<Route>> names, String name, Route r) {
        List<Route> l = names.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>());
        if (l.stream().noneMatch(x -> x.provider().id() == r.provider().id())) {
            l.add(r);
        }
    }
}
