package org.routstr.gateway;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.helidon.config.Config;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.http.HttpRouting;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.kafka.clients.producer.KafkaProducer;

import org.routstr.common.db.Db;
import org.routstr.common.db.DbSettings;
import org.routstr.common.db.Migrations;
import org.routstr.common.events.ControlEvent;
import org.routstr.common.http.ErrorHandlers;
import org.routstr.common.http.RequestIds;
import org.routstr.common.kafka.ControlBus;
import org.routstr.common.kafka.Kafka;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.common.logs.JsonLogs;
import org.routstr.common.logs.LogShipper;
import org.routstr.common.server.RunningService;
import org.routstr.common.server.Servers;
import org.routstr.common.settings.LiveSettings;
import org.routstr.common.settings.SettingField;
import org.routstr.common.settings.SettingsSeed;
import org.routstr.common.settings.SettingsStore;
import org.routstr.common.tracing.Tracing;
import org.routstr.gateway.anthropic.MessagesHttpService;
import org.routstr.gateway.auth.Authenticator;
import org.routstr.gateway.auth.WalletClient;
import org.routstr.gateway.auth.WalletException;
import org.routstr.gateway.catalog.Catalog;
import org.routstr.gateway.catalog.CatalogRepository;
import org.routstr.gateway.catalog.ProviderKeys;
import org.routstr.gateway.catalog.ProviderSeed;
import org.routstr.gateway.cors.Cors;
import org.routstr.gateway.info.InfoHttpService;
import org.routstr.gateway.info.NodeInfo;
import org.routstr.gateway.limits.RateLimiter;
import org.routstr.gateway.limits.SharedWindows;
import org.routstr.gateway.metrics.GatewayMetrics;
import org.routstr.gateway.pricing.BtcRate;
import org.routstr.gateway.pricing.MediaTokens;
import org.routstr.gateway.pricing.Pricer;
import org.routstr.gateway.pricing.PricingOptions;
import org.routstr.gateway.pricing.PricingSettings;
import org.routstr.gateway.proxy.FrontDoorHttpService;
import org.routstr.gateway.proxy.Gate;
import org.routstr.gateway.proxy.ProxyHttpService;
import org.routstr.gateway.proxy.ProxySettings;
import org.routstr.gateway.usage.InFlight;
import org.routstr.gateway.usage.OutboxRelay;
import org.routstr.gateway.usage.OutboxRepository;
import org.routstr.gateway.usage.UsagePublisher;
import org.routstr.ledger.Ledger;

/**
 * Starts the gateway: configuration, database, catalog and rate, Kafka (usage events, control notices, outbox relay,
 * heartbeats), then the web server with the paid API, the local info routes and the front door.
 */
public final class Main {
    private static final System.Logger LOG = System.getLogger(Main.class.getName());

    private Main() {
    }

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        Config config = Config.create();
        JsonLogs.configure(config.get("log"), "gateway");
        RunningService service = start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(service::stop, "gateway-shutdown"));
        LOG.log(Level.INFO, "gateway listening on port " + service.port());
    }

    /** Wires and starts the service from a configuration root; the launcher and tests call this too. */
    public static RunningService start(Config config) {
        RunningService service = new RunningService("gateway");
        Config g = config.get("gateway");
        ProxySettings proxy = ProxySettings.from(g);
        List<ProviderSeed> seeds = g.get("providers").asNodeList().orElse(List.of()).stream().map(ProviderSeed::from).toList();
        FrontDoorHttpService.Targets targets = new FrontDoorHttpService.Targets(
                g.get("routes.wallet").asString().orElse("http://127.0.0.1:8001"),
                g.get("routes.admin").asString().orElse("http://127.0.0.1:8003"),
                g.get("routes.discovery").asString().orElse("http://127.0.0.1:8004"));
        String version = g.get("info.version").asString().orElse("0.1.0");
        Optional<String> internalToken = config.get("internal.token").asString().filter(s -> !s.isBlank());
        Duration refreshEvery = g.get("refresh-interval").as(Duration.class).orElse(Duration.ofSeconds(60));

        Tracing tracing = service.onStop(Tracing.start(config.get("tracing"), "gateway"));
        HikariDataSource ds = service.onStop(Db.pool(DbSettings.from(config.get("db")), "gateway"));
        Migrations.apply(config.get("db"), ds);
        KafkaSettings kafka = KafkaSettings.from(config.get("kafka"), "gateway");
        KafkaProducer<String, byte[]> producer = service.onStop(Kafka.producer(kafka, UsagePublisher.PRODUCER));
        ControlBus bus = service.onStop(new ControlBus(kafka, producer));
        service.onStop(LogShipper.install(producer, "gateway"));
        Thread.ofVirtual().name("gateway-topics").start(() -> ensureTopics(kafka));

        LiveSettings live = service.onStop(LiveSettings.start(seededStore(ds, g), Optional.of(bus),
                g.get("settings-refresh-interval").as(Duration.class).orElse(Duration.ofSeconds(30))));
        CatalogRepository catalogRepository = new CatalogRepository(ds, new ProviderKeys(g.get("secret-key").asString().asOptional()));
        catalogRepository.seed(seeds);
        Catalog catalog = new Catalog(catalogRepository);
        catalog.refresh();
        GatewayMetrics.providers(catalog.models().stream().map(r -> r.provider().slug()).distinct().toList());
        BtcRate rate = new BtcRate(ds);
        rate.refresh();
        Ledger ledger = new Ledger(ds);
        if (g.get("reserve-group.enabled").asBoolean().orElse(true)) {
            // group commit: concurrent reservations share one transaction and commit flush (Ledger#groupReserves)
            service.onStop(ledger.groupReserves(g.get("reserve-group.workers").asInt().orElse(2),
                                                g.get("reserve-group.max-batch").asInt().orElse(64)));
        }
        if (g.get("read-group.enabled").asBoolean().orElse(true)) {
            // the balance a response reports: concurrent reads share one statement (Ledger#groupReads)
            service.onStop(ledger.groupReads(g.get("read-group.max-batch").asInt().orElse(256)));
        }
        Optional<WalletClient> wallet = internalToken.map(t -> new WalletClient(targets.wallet(), t,
                g.get("wallet-timeout").as(Duration.class).orElse(Duration.ofSeconds(30))));
        Authenticator auth = new Authenticator(ledger, wallet, g.get("key-cache-ttl").as(Duration.class).orElse(Duration.ofSeconds(10)));
        bus.listen(e -> onControl(e, auth, catalog, rate));
        service.onStop(new Refresher(refreshEvery, catalog::refresh, rate::refresh).start());

        OutboxRepository outbox = new OutboxRepository(ds);
        UsagePublisher publisher = new UsagePublisher(producer, outbox);
        service.onStop(new OutboxRelay(outbox, producer, g.get("outbox-interval").as(Duration.class).orElse(Duration.ofSeconds(2)),
                                       publisher::kafkaUp).start());
        InFlight inFlight = service.onStop(new InFlight(ledger, g.get("heartbeat-interval").as(Duration.class)
                .orElse(Duration.ofSeconds(15))).start());
        GatewayMetrics.gauges(inFlight::count, inFlight::reservedMsat, outbox::size);
        SharedWindows windows = new SharedWindows(ds);
        RateLimiter perKey = new RateLimiter(() -> live.current().rateLimitPerKey(), () -> live.current().rateLimitWindow(),
                                             "API key", windows);
        RateLimiter perIp = new RateLimiter(() -> live.current().rateLimitPerIp(), () -> live.current().rateLimitWindow(),
                                            "client address", windows);
        Pricer pricer = new Pricer(() -> PricingSettings.of(live.current()), rate::usdPerBtc,
                                   PricingOptions.from(g.get("pricing")));
        MediaTokens media = MediaTokens.from(g.get("pricing"));
        ProxyHttpService proxyService = new ProxyHttpService(auth, catalog, pricer, media, ledger,
                                                             publisher, wallet, inFlight, perKey, perIp, proxy);
        Cors cors = Cors.from(g.get("cors"));
        MessagesHttpService messages = new MessagesHttpService(
                new Gate(auth, catalog, ledger, publisher, wallet, inFlight, perKey, perIp), pricer, media, proxy);
        InfoHttpService info = new InfoHttpService(catalog, pricer, () -> NodeInfo.of(live.current(), version));
        FrontDoorHttpService frontDoor = new FrontDoorHttpService(targets, proxy.upstreamTimeout());
        return service.server(Servers.start(config.get("server"), Optional.of(ds), r -> routing(r.addFilter(tracing.server()).addFilter(cors).register(messages), info, proxyService,
                                                                                                  frontDoor)));
    }

    /** The settings table, seeded on first start with what {@code gateway.pricing}, {@code .info} and {@code .rate-limit} give. */
    private static SettingsStore seededStore(HikariDataSource ds, Config g) {
        Config info = g.get("info");
        SettingsSeed seed = PricingSettings.seed(new SettingsSeed(), g.get("pricing"))
                .text(SettingField.NAME, info.get("name")).text(SettingField.DESCRIPTION, info.get("description"))
                .text(SettingField.NPUB, info.get("npub")).text(SettingField.HTTP_URL, info.get("http-url"))
                .text(SettingField.ONION_URL, info.get("onion-url")).list(SettingField.MINTS, info.get("mints"))
                .number(SettingField.CHILD_KEY_COST_MSAT, info.get("child-key-cost-msats"))
                .number(SettingField.RATE_LIMIT_PER_KEY, g.get("rate-limit.per-key"))
                .number(SettingField.RATE_LIMIT_PER_IP, g.get("rate-limit.per-ip"));
        g.get("rate-limit.window").as(Duration.class).ifPresent(w -> seed.value(SettingField.RATE_LIMIT_WINDOW_SECONDS,
                com.fasterxml.jackson.databind.node.LongNode.valueOf(Math.max(1, w.toSeconds()))));
        SettingsStore store = new SettingsStore(ds);
        store.seed(seed.values());
        return store;
    }

    static void routing(HttpRouting.Builder routing, InfoHttpService info, ProxyHttpService proxy, FrontDoorHttpService frontDoor) {
        routing.addFilter((chain, req, res) -> {
                    RequestIds.assignFresh(req, res);
                    res.whenSent(() -> GatewayMetrics.response(res.status().code()));
                    chain.proceed();
                })
                .error(WalletException.class, (req, res, e) -> {
                    res.status(Status.create(e.status()));
                    res.header(HeaderValues.CONTENT_TYPE_JSON);
                    res.send(e.body());
                })
                .error(RateLimiter.RateLimited.class, (req, res, e) -> {
                    res.header(HeaderNames.RETRY_AFTER, String.valueOf(e.retryAfterSeconds()));
                    ErrorHandlers.send(req, res, e);
                })
                .register(info)
                .register(proxy)
                .register(frontDoor)
                .register(proxy.customEndpoints());
        // no GET catch-all: it would shadow the health and metrics feature; unmatched paths reach the shared 404 envelope
    }

    private static void onControl(ControlEvent e, Authenticator auth, Catalog catalog, BtcRate rate) {
        auth.onControl(e);
        switch (e.type()) {
            case "catalog.changed" -> catalog.refresh();
            case "btc.rate" -> rate.refresh();
            default -> {
                // other notices concern other services
            }
        }
    }

    private static void ensureTopics(KafkaSettings kafka) {
        try {
            Kafka.ensureTopics(kafka, 6, (short) 1);
        } catch (IllegalStateException e) {
            LOG.log(Level.WARNING, "Kafka topics not ensured (is Kafka up?): " + e.getMessage());
        }
    }
}
