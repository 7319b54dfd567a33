package org.routstr.billing;

import java.lang.System.Logger.Level;
import java.util.Optional;

import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.http.HttpRouting;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.kafka.clients.producer.KafkaProducer;

import org.routstr.billing.consume.UsageConsumer;
import org.routstr.billing.housekeeping.Housekeeping;
import org.routstr.billing.orphan.OrphanSweeper;
import org.routstr.billing.rate.RateRefresher;
import org.routstr.common.db.Db;
import org.routstr.common.db.DbSettings;
import org.routstr.common.db.Migrations;
import org.routstr.common.kafka.ControlBus;
import org.routstr.common.kafka.Kafka;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.common.logs.JsonLogs;
import org.routstr.common.logs.LogShipper;
import org.routstr.common.server.RunningService;
import org.routstr.common.server.Servers;
import org.routstr.common.tracing.Tracing;

/**
 * Starts the billing-service: database, the settlement consumer, the orphan sweep, the BTC rate and the housekeeping jobs,
 * then the web server with health and metrics. Stopping closes them in reverse order.
 */
public final class Main {
    private static final System.Logger LOG = System.getLogger(Main.class.getName());

    private Main() {
    }

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        Config config = Config.create();
        JsonLogs.configure(config.get("log"), "billing-service");
        RunningService service = start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(service::stop, "billing-shutdown"));
        LOG.log(Level.INFO, "billing-service listening on port " + service.port());
    }

    /** Wires and starts the service from a configuration root; the launcher and tests call this too. */
    public static RunningService start(Config config) {
        BillingSettings settings = BillingSettings.from(config.get("billing"));
        KafkaSettings kafka = KafkaSettings.from(config.get("kafka"), "billing");
        RunningService service = new RunningService("billing-service");
        try {
            HikariDataSource ds = service.onStop(Db.pool(DbSettings.from(config.get("db")), "billing"));
            Migrations.apply(config.get("db"), ds);
            Kafka.ensureTopics(kafka, settings.topicPartitions(), settings.topicReplication());
            KafkaProducer<String, byte[]> producer = service.onStop(Kafka.producer(kafka));
            service.onStop(LogShipper.install(producer, "billing-service"));
            ControlBus bus = service.onStop(new ControlBus(kafka, producer));
            Tracing tracing = service.onStop(Tracing.start(config.get("tracing"), "billing-service"));
            service.onStop(new UsageConsumer(ds, kafka, settings.consumer(), SettlementMetrics.create(ds), tracing).start());
            service.onStop(OrphanSweeper.watching(ds, settings.orphanAfter(), settings.orphanSweepInterval(), kafka,
                                                  settings.consumer().group(), settings.consumer().topic()).start());
            service.onStop(new RateRefresher(ds, bus, settings.rate()).start());
            service.onStop(new Housekeeping(ds, bus, settings.housekeepingInterval(), settings.processedRetention()).start());
            return service.server(Servers.start(config.get("server"), Optional.of(ds), Main::routing));
        } catch (RuntimeException e) {
            service.stop();
            throw e;
        }
    }

    static void routing(HttpRouting.Builder routing) {
        // billing has no API of its own: health, readiness and metrics come with Servers.start
    }
}
