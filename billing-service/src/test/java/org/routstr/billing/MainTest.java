package org.routstr.billing;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.routstr.billing.consume.UsageFixtures;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.common.server.RunningService;
import org.routstr.testsupport.RealInfra;
import org.routstr.testsupport.ServiceSmoke;
import org.routstr.testsupport.TestDb;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

@RealInfra
class MainTest {
    @Test
    void startsAndAnswersHealthAndMetrics(TestDb db, KafkaSettings kafka) {
        RunningService server = Main.start(ServiceSmoke.config(db, kafka, Map.of("billing.fixed-usd-per-btc", "64000.5",
                                                                                  "billing.consumer.group", "main-test")));
        try {
            ServiceSmoke.assertHealthAndMetrics(server.port(), server.internalPort());
            assertThat(UsageFixtures.count(db.dataSource(), "SELECT usd_per_btc * 10 FROM btc_rate"), is(640005L));
        } finally {
            server.stop();
        }
    }

    @Test
    void rejectsAnOrphanTimeoutShorterThanAFewHeartbeats(TestDb db, KafkaSettings kafka) {
        try {
            Main.start(ServiceSmoke.config(db, kafka, Map.of("billing.orphan-after", "10s")));
            throw new AssertionError("started with orphan-after 10s");
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage().contains("orphan-after"), is(true));
        }
    }

    @Test
    void readsDurationsInBothForms() {
        assertThat(BillingSettings.parseDuration("PT2M").toSeconds(), is(120L));
        assertThat(BillingSettings.parseDuration("500ms").toMillis(), is(500L));
        assertThat(BillingSettings.parseDuration("90").toSeconds(), is(90L));
        assertThat(BillingSettings.parseDuration("30d").toDays(), is(30L));
        assertThat(BillingSettings.parseDuration("2m").toSeconds(), is(120L));
    }
}
