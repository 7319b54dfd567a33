package org.routstr.admin;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;

import io.helidon.config.Config;
import io.helidon.dbclient.DbClient;
import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.http.HttpRouting;

import com.zaxxer.hikari.HikariDataSource;

import org.routstr.admin.audit.AuditHttpService;
import org.routstr.admin.audit.AuditLog;
import org.routstr.admin.auth.AdminGuard;
import org.routstr.admin.auth.AuthHttpService;
import org.routstr.admin.auth.AuthSettings;
import org.routstr.admin.auth.Authenticator;
import org.routstr.admin.logs.LogIndexer;
import org.routstr.admin.logs.LogsHttpService;
import org.routstr.admin.models.ModelsHttpService;
import org.routstr.admin.models.ProvidersHttpService;
import org.routstr.admin.overview.OverviewHttpService;
import org.routstr.admin.sessions.SessionsHttpService;
import org.routstr.admin.web.WebHttpService;
import org.routstr.admin.withdraw.WithdrawHttpService;
import org.routstr.admin.settings.SettingsHttpService;
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
import org.routstr.common.settings.LiveSettings;
import org.routstr.common.settings.SettingsStore;

/**
 * Starts the admin-service: configuration, database (Helidon DB Client on the shared pool), the control topic, the owner
 * account (a one-time password on a fresh node), then the web server with the admin API under {@code /admin/api}.
 */
public final class Main {
    private static final System.Logger LOG = System.getLogger(Main.class.getName());

    private Main() {
    }

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        Config config = Config.create();
        JsonLogs.configure(config.get("log"), "admin-service");
        RunningService service = start(config);
        // standalone (no launcher banner): the one-time password goes to the console once, never to the log
        Authenticator.takeFirstPassword().ifPresent(p -> System.out.println(
                "admin-service: no admin password was set; one-time password for user 'admin': " + p
                + " (a new one is required at first login)"));
        Runtime.getRuntime().addShutdownHook(new Thread(service::stop, "admin-shutdown"));
        LOG.log(Level.INFO, "admin-service listening on port " + service.port());
    }

    /** Wires and starts the service from a configuration root; the launcher and tests call this too. */
    public static RunningService start(Config config) {
        Config a = config.get("admin");
        AuthSettings authSettings = AuthSettings.from(a.get("auth"));
        Optional<String> secretKey = a.get("secret-key").asString().filter(s -> !s.isBlank())
                .or(() -> config.get("gateway.secret-key").asString().filter(s -> !s.isBlank()));
        RunningService service = new RunningService("admin-service");
        HikariDataSource ds = service.onStop(Db.pool(DbSettings.from(config.get("db")), "admin"));
        Migrations.apply(config.get("db"), ds);
        DbClient db = AdminDb.create(ds);
        KafkaSettings kafka = KafkaSettings.from(config.get("kafka"), "admin");
        var producer = service.onStop(Kafka.producer(kafka));
        ControlBus bus = service.onStop(new ControlBus(kafka, producer));
        service.onStop(LogShipper.install(producer, "admin-service"));
        service.onStop(new LogIndexer(kafka, db, a.get("logs.retention").as(Duration.class).orElse(Duration.ofDays(7))).start());

        LiveSettings live = service.onStop(LiveSettings.start(new SettingsStore(ds), Optional.of(bus),
                a.get("settings-refresh-interval").as(Duration.class).orElse(Duration.ofSeconds(30))));
        WalletClient wallet = new WalletClient(a.get("wallet-url").asString().orElse("http://127.0.0.1:8001"),
                config.get("internal.token").asString().orElse(""), a.get("wallet-timeout").as(Duration.class).orElse(Duration.ofSeconds(60)));
        AuditLog audit = new AuditLog(db);
        Authenticator auth = Authenticator.start(db, authSettings);
        AdminGuard guard = new AdminGuard(auth);
        AuthHttpService authHttp = new AuthHttpService(auth, audit);
        Sealer sealer = new Sealer(secretKey);
        SettingsHttpService settings = new SettingsHttpService(db, bus, sealer);
        AuditHttpService auditHttp = new AuditHttpService(audit);
        SessionsHttpService sessions = new SessionsHttpService(db, ds, bus, audit);
        OverviewHttpService overview = new OverviewHttpService(wallet, db, live::current);
        WithdrawHttpService withdraw = new WithdrawHttpService(wallet, db, audit);
        LogsHttpService logs = new LogsHttpService(db);
        ModelsHttpService models = new ModelsHttpService(db, bus, audit);
        ProvidersHttpService providers = new ProvidersHttpService(db, bus, audit, sealer);
        return service.server(Servers.start(config.get("server"), Optional.of(ds),
                r -> routing(r, guard, authHttp, settings, auditHttp, sessions, overview, withdraw, logs, models, providers)));
    }

    static void routing(HttpRouting.Builder routing, AdminGuard guard, AuthHttpService auth, SettingsHttpService settings,
                        AuditHttpService audit, SessionsHttpService sessions, OverviewHttpService overview,
                        WithdrawHttpService withdraw, LogsHttpService logs, ModelsHttpService models,
                        ProvidersHttpService providers) {
        routing.register(guard)
                .register("/admin/api/providers", providers)
                .register("/admin/api/models", models)
                .register("/admin/api/logs", logs)
                .register("/admin/api/overview", overview)
                .register("/admin/api/withdraw", withdraw)
                .register("/admin/api/auth", auth)
                .register("/admin/api/settings", settings)
                .register("/admin/api/audit", audit)
                .register("/admin/api/sessions", sessions)
                .register(new WebHttpService());
    }
}
