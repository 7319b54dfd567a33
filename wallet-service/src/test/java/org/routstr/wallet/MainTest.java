package org.routstr.wallet;

import org.routstr.common.server.RunningService;

import org.junit.jupiter.api.Test;

import org.routstr.common.kafka.KafkaSettings;
import org.routstr.testsupport.ServiceSmoke;
import org.routstr.testsupport.TestDb;
import org.routstr.testsupport.RealInfra;

@RealInfra
class MainTest {
    @Test
    void startsAndAnswersHealthAndMetrics(TestDb db, KafkaSettings kafka) {
        RunningService server = Main.start(ServiceSmoke.config(db, kafka, java.util.Map.of("wallet.trusted-mints", "http://127.0.0.1:9",
                "internal.token", "test-internal-token-0123456789")));
        try {
            ServiceSmoke.assertHealthAndMetrics(server.port(), server.internalPort());
        } finally {
            server.stop();
        }
    }
}
