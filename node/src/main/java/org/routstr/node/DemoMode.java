package org.routstr.node;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.routstr.node.demo.DemoInfra;

/**
 * Decides whether the node runs in demo mode (no upstream configured, or {@code ROUTSTR_DEMO=on}) and which config defaults
 * point the services at the stand-ins. They sit below the environment and the config file, so either can still override them.
 */
final class DemoMode {
    /** The gateway keys that, when present, mean the operator configured a real upstream. */
    static final List<String> UPSTREAM_KEYS = List.of("gateway.providers");
    /** The demo's fixed BTC price in USD, so pricing works offline. */
    static final String DEMO_USD_PER_BTC = "100000";

    private DemoMode() {
    }

    static Optional<Node.DemoPlan> plan(NodeSettings s) {
        boolean on = switch (s.demo()) {
            case ON -> true;
            case OFF -> false;
            case AUTO -> {
                ServiceConfigs plain = new ServiceConfigs(s.configFile(), Map.of(), Map.of());
                yield UPSTREAM_KEYS.stream().noneMatch(k -> plain.hasEntries(org.routstr.gateway.Main.class, k));
            }
        };
        return on ? Optional.of(new Node.DemoPlan(s.demoUpstreamPort(), s.demoMintPort(), DemoMode::defaults)) : Optional.empty();
    }

    /** The stand-in's models with prices in USD per 1M tokens (input, output), seeded as provider "demo". */
    static final List<DemoModel> MODELS = List.of(new DemoModel("standin-gpt", "2.50", "10.00"),
                                                  new DemoModel("standin-mini", "0.15", "0.60"),
                                                  new DemoModel("standin-embed", "0.02", "0"));

    record DemoModel(String id, String inputUsdPerM, String outputUsdPerM) {
    }

    static Map<String, String> defaults(DemoInfra demo) {
        Map<String, String> m = new HashMap<>();
        m.put("wallet.trusted-mints", demo.mintUrl());
        // the demo's refunds may name a Lightning address or mint on this machine: allow loopback for client-chosen URLs
        m.put("wallet.allowed-hosts", "127.0.0.1,localhost");
        m.put("billing.fixed-usd-per-btc", DEMO_USD_PER_BTC);
        String p = "gateway.providers.0.";
        m.put(p + "slug", "demo");
        m.put(p + "base-url", demo.upstreamUrl() + "/v1");
        for (int i = 0; i < MODELS.size(); i++) {
            DemoModel model = MODELS.get(i);
            m.put(p + "models." + i + ".id", model.id());
            m.put(p + "models." + i + ".input-usd-per-m", model.inputUsdPerM());
            m.put(p + "models." + i + ".output-usd-per-m", model.outputUsdPerM());
        }
        return m;
    }
}
