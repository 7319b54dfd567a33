package org.routstr.discovery;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.http.HttpRouting;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.kafka.clients.producer.KafkaProducer;

import org.routstr.common.logs.JsonLogs;
import org.routstr.common.db.Db;
import org.routstr.common.db.DbSettings;
import org.routstr.common.db.Migrations;
import org.routstr.common.kafka.ControlBus;
import org.routstr.common.kafka.Kafka;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.common.logs.LogShipper;
import org.routstr.common.server.RunningService;
import org.routstr.common.server.Servers;
import org.routstr.common.settings.LiveSettings;
import org.routstr.common.settings.SettingsStore;
import org.routstr.discovery.announce.AnnounceHealth;
import org.routstr.discovery.announce.Announcer;
import org.routstr.discovery.announce.UsageReporter;
import org.routstr.discovery.identity.IdentityDefaults;
import org.routstr.discovery.identity.NodeRelays;
import org.routstr.discovery.identity.LiveIdentitySource;
import org.routstr.discovery.providers.ProviderDirectory;
import org.routstr.discovery.providers.ProvidersHttpService;
import org.routstr.nostr.Backoff;
import org.routstr.nostr.RelayOptions;

/**
 * Starts the discovery-service: the node's identity (the shared live settings, seeded from config), relays, the announcer, the directory
 * of other nodes, then the web server with {@code /v1/providers}, health (with the Nostr state) and metrics.
 */
public final class Main {
    private static final System.Logger LOG = System.getLogger(Main.class.getName());

    private Main() {
    }

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        Config config = Config.create();
        JsonLogs.configure(config.get("log"), "discovery-service");
        RunningService service = start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(service::stop, "discovery-shutdown"));
        LOG.log(Level.INFO, "discovery-service listening on port " + service.port());
    }

    /** Wires and starts the service from a configuration root; the launcher and tests call this too. */
    public static RunningService start(Config config) {
        RunningService service = new RunningService("discovery-service");
        Config d = config.get("discovery");
        DiscoverySettings settings = DiscoverySettings.from(d);
        HikariDataSource ds = service.onStop(Db.pool(DbSettings.from(config.get("db")), "discovery"));
        Migrations.apply(config.get("db"), ds);
        KafkaSettings kafka = KafkaSettings.from(config.get("kafka"), "discovery");
        KafkaProducer<String, byte[]> producer = service.onStop(Kafka.producer(kafka));
        service.onStop(LogShipper.install(producer, "discovery-service"));
        ControlBus bus = service.onStop(new ControlBus(kafka, producer));
        IdentityDefaults defaults = IdentityDefaults.from(d);
        SettingsStore store = new SettingsStore(ds);
        store.seed(LiveIdentitySource.seeds(defaults));
        LiveSettings live = service.onStop(LiveSettings.start(store, Optional.of(bus), settings.settingsRefresh()));
        LiveIdentitySource identity = new LiveIdentitySource(live, defaults);
        RelayOptions relayOptions = new RelayOptions(settings.relayTimeout(), settings.relayTimeout(),
                new Backoff(settings.backoffInitial(), settings.backoffMax(), 0.2));
        NodeRelays relays = service.onStop(new NodeRelays(relayOptions, identity.current().relays()));
        Announcer announcer = service.onStop(new Announcer(identity::refresh, relays, settings.relayTimeout()));
        ProviderDirectory directory = service.onStop(new ProviderDirectory(relays, settings.healthTimeout(), settings.maxAge()));
        if (settings.providersEnabled()) {
            directory.start(settings.healthInterval());
        }
        if (settings.usageReport()) {
            service.onStop(new UsageReporter(ds, identity::current, relays, announcer::status).start(settings.usageReportInterval()));
        }
        // the announcer re-reads the identity before it compares and publishes
        live.onChange(s -> announcer.trigger());
        announcer.start(settings.announceInterval());
        ProvidersHttpService providers = new ProvidersHttpService(directory, identity::current, announcer::status,
                                                                  settings.providersEnabled());
        AnnounceHealth health = new AnnounceHealth(identity::current, announcer::status);
        return service.server(Servers.start(config.get("server"), Optional.of(ds), List.of(health), r -> routing(r, providers)));
    }

    static void routing(HttpRouting.Builder routing, ProvidersHttpService providers) {
        routing.register(providers);
    }

    /** The service's own knobs ({@code discovery.*}), validated at start. */
    record DiscoverySettings(Duration announceInterval, Duration relayTimeout, Duration backoffInitial, Duration backoffMax,
                             boolean providersEnabled, Duration healthInterval, Duration healthTimeout, Duration maxAge,
                             boolean usageReport, Duration usageReportInterval, Duration settingsRefresh) {
        static DiscoverySettings from(Config d) {
            return new DiscoverySettings(d.get("announce-interval").as(Duration.class).orElse(Duration.ofHours(24)),
                                         d.get("relay-timeout").as(Duration.class).orElse(Duration.ofSeconds(10)),
                                         d.get("backoff-initial").as(Duration.class).orElse(Duration.ofSeconds(5)),
                                         d.get("backoff-max").as(Duration.class).orElse(Duration.ofSeconds(900)),
                                         d.get("providers.enabled").asBoolean().orElse(true),
                                         d.get("providers.health-interval").as(Duration.class).orElse(Duration.ofMinutes(5)),
                                         d.get("providers.health-timeout").as(Duration.class).orElse(Duration.ofSeconds(10)),
                                         d.get("providers.max-age").as(Duration.class).orElse(Duration.ofDays(180)),
                                         d.get("usage-report.enabled").asBoolean().orElse(false),
                                         d.get("usage-report.interval").as(Duration.class).orElse(Duration.ofHours(1)),
                                         d.get("settings-refresh-interval").as(Duration.class).orElse(Duration.ofSeconds(30)));
        }
    }
}
