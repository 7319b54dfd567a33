package org.routstr.gateway.proxy;

import java.util.Map;

import org.routstr.common.db.Db;
import org.routstr.common.db.DbSettings;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.gateway.GatewayFixture;
import org.routstr.testsupport.TestDb;

/**
 * The gateway of {@link GatewayFixture} in a JVM of its own (the test starts it with {@code -Xmx128m}, as deployed):
 * args are the database URL, user, password and the Kafka bootstrap; prints "key port" when up and runs until killed.
 */
public final class SmallHeapGateway {
    private SmallHeapGateway() {
    }

    public static void main(String[] args) throws Exception {
        DbSettings settings = new DbSettings(args[0], args[1], args[2], 8);
        GatewayFixture f = new GatewayFixture(new TestDb(settings, Db.pool(settings, "small-heap")),
                                              new KafkaSettings(args[3], "small-heap-gateway"), Map.of());
        System.out.println("READY " + f.fundedKey(100_000_000_000L) + " " + f.gateway.port());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
