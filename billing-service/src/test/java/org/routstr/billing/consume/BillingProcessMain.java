package org.routstr.billing.consume;

import java.time.Duration;

import com.zaxxer.hikari.HikariDataSource;

import org.routstr.common.db.Db;
import org.routstr.common.db.DbSettings;
import org.routstr.common.kafka.KafkaSettings;

/**
 * A billing settlement process for the crash test: runs the real consumer in its own JVM until it is killed.
 * Arguments: jdbc-url user password bootstrap-servers group topic.
 */
public final class BillingProcessMain {
    private BillingProcessMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        HikariDataSource ds = Db.pool(new DbSettings(args[0], args[1], args[2], 4), "billing-child");
        UsageConsumer consumer = new UsageConsumer(ds, new KafkaSettings(args[3], "billing-child"),
                                                   new ConsumerSettings(args[4], args[5], 4000, 2, Duration.ofMillis(100),
                                                                        Duration.ofMillis(200), Duration.ofSeconds(6)), b -> { });
        consumer.start();
        System.out.println("billing child consuming");
        Thread.currentThread().join();
    }
}
