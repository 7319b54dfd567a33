package org.routstr.node;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.helidon.config.Config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * How the launcher reads its own settings and composes each service's configuration (priorities, demo detection).
 */
class NodeConfigTest {
    @TempDir
    Path dir;

    @Test
    void environmentWinsOverTheFileAndRelativeDataDirsFollowTheirSource() throws Exception {
        Path file = Files.writeString(dir.resolve("routstr.yaml"), "node:\n  data-dir: data\n  port: 9100\n  demo: off\n");
        NodeSettings fromFile = NodeSettings.load(Map.of("ROUTSTR_CONFIG", file.toString()));
        assertThat(fromFile.dataDir(), is(dir.resolve("data")));
        assertThat(fromFile.port(), is(9100));
        assertThat(fromFile.demo(), is(NodeSettings.Demo.OFF));

        NodeSettings fromEnv = NodeSettings.load(Map.of("ROUTSTR_CONFIG", file.toString(), "ROUTSTR_PORT", "9200",
                                                        "ROUTSTR_DATA_DIR", dir.resolve("elsewhere").toString()));
        assertThat(fromEnv.port(), is(9200));
        assertThat(fromEnv.dataDir(), is(dir.resolve("elsewhere")));
        assertThat(fromEnv.postgresDir(), is(dir.resolve("elsewhere").resolve("postgres")));
    }

    @Test
    void badSettingsFailAtStartWithTheirName() {
        var e = assertThrows(IllegalArgumentException.class, () -> NodeSettings.load(Map.of("ROUTSTR_PORT", "eighty")));
        assertThat(e.getMessage(), is("node.port must be a number, was eighty"));
        assertThrows(IllegalArgumentException.class, () -> NodeSettings.load(Map.of("ROUTSTR_DB_URL", "mysql://x")));
        assertThrows(IllegalArgumentException.class, () -> NodeSettings.load(Map.of("ROUTSTR_CONFIG", dir.resolve("none.yaml")
                .toString())));
    }

    @Test
    void launcherBeatsFileBeatsDefaultsBeatsTheServicesOwnYaml() throws Exception {
        Path file = Files.writeString(dir.resolve("routstr.yaml"),
                                      "wallet:\n  change-wait: PT9S\n  child-key-cost-msat: 7\nserver:\n  port: 1234\n");
        ServiceConfigs configs = new ServiceConfigs(java.util.Optional.of(file), Map.of("internal.token", "t".repeat(32)),
                                                    Map.of("wallet.child-key-cost-msat", "5", "wallet.mint-timeout", "PT3S"));
        Config wallet = configs.compose(org.routstr.wallet.Main.class, Map.of("server.port", "0"));
        assertThat(wallet.get("server.port").asInt().get(), is(0));                       // launcher over file
        assertThat(wallet.get("wallet.change-wait").asString().get(), is("PT9S"));        // file over the yaml
        assertThat(wallet.get("wallet.child-key-cost-msat").asLong().get(), is(7L));      // file over defaults
        assertThat(wallet.get("wallet.mint-timeout").asString().get(), is("PT3S"));       // defaults over the yaml
        assertThat(wallet.get("wallet.foreign-mints").asBoolean().get(), is(true));       // the wallet's own yaml
        assertThat(wallet.get("internal.token").asString().get(), is("t".repeat(32)));
        assertThat(wallet.get("server.shutdown-hook").asBoolean().get(), is(false));

        Config billing = configs.compose(org.routstr.billing.Main.class, Map.of());
        assertThat(billing.get("server.port").asInt().get(), is(1234));                   // each service reads its own yaml
        assertThat(billing.get("billing.consumer.group").asString().get(), is("billing"));
    }

    @Test
    void demoModeIsOnUntilAProviderIsConfigured() throws Exception {
        NodeSettings plain = NodeSettings.load(Map.of("ROUTSTR_DATA_DIR", dir.toString()));
        assertThat(DemoMode.plan(plain).isPresent(), is(true));

        Path file = Files.writeString(dir.resolve("routstr.yaml"),
                                      "gateway:\n  providers:\n    - slug: up\n      base-url: http://127.0.0.1:9/v1\n");
        NodeSettings withUpstream = NodeSettings.load(Map.of("ROUTSTR_CONFIG", file.toString()));
        assertThat(DemoMode.plan(withUpstream).isPresent(), is(false));
        NodeSettings forced = NodeSettings.load(Map.of("ROUTSTR_CONFIG", file.toString(), "ROUTSTR_DEMO", "on"));
        assertThat(DemoMode.plan(forced).isPresent(), is(true));
    }
}
