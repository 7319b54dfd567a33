package org.routstr.node;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.Optional;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

import org.junit.jupiter.api.Test;

import org.routstr.common.server.Servers;
import org.routstr.node.demo.DemoInfra;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Issue 11: a start whose port is taken fails naming the port (Helidon logs the bind failure and returns a stopped server;
 * the launcher then printed "ready" with nothing listening, as a restart on a busy machine showed for the demo upstream).
 */
class PortInUseTest {
    @Test
    void aServiceWhosePortIsTakenFailsToStart() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Config server = Config.just(ConfigSources.create(Map.of("host", "127.0.0.1", "port", Integer.toString(taken.getLocalPort()))));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Servers.start(server, Optional.empty(), r -> { }));
            assertThat(e.getMessage(), containsString("cannot listen on 127.0.0.1:" + taken.getLocalPort()));
        }
    }

    @Test
    void theDemoStandInsFailWhenTheirPortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> DemoInfra.start(taken.getLocalPort(), 0).close());
            assertThat(e.getMessage(), containsString("the demo upstream cannot listen on 127.0.0.1:" + taken.getLocalPort()));
        }
    }
}
