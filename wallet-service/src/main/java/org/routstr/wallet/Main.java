package org.routstr.wallet;

import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.http.HttpRouting;

import com.zaxxer.hikari.HikariDataSource;

import org.routstr.common.db.Db;
import org.routstr.common.db.DbSettings;
import org.routstr.common.db.Migrations;
import org.routstr.common.kafka.ControlBus;
import org.routstr.common.kafka.Kafka;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.common.logs.LogShipper;
import org.routstr.common.settings.LiveSettings;
import org.routstr.common.settings.SettingField;
import org.routstr.common.settings.SettingsSeed;
import org.routstr.common.settings.SettingsStore;
import org.routstr.common.server.RunningService;
import org.routstr.common.server.Servers;
import org.routstr.crypto.cashu.nut13.DeterministicSecrets;
import org.routstr.ledger.Ledger;
import org.routstr.wallet.balance.AccountQueries;
import org.routstr.wallet.balance.BalanceHttpService;
import org.routstr.wallet.balance.DonateHttpService;
import org.routstr.wallet.balance.KeyPreviews;
import org.routstr.wallet.balance.Keys;
import org.routstr.wallet.balance.RefundHttpService;
import org.routstr.wallet.internal.InternalHttpService;
import org.routstr.wallet.internal.OwnerFunds;
import org.routstr.wallet.internal.Settlements;
import org.routstr.wallet.lightning.LightningHttpService;
import org.routstr.wallet.mint.ExpiryRefunds;
import org.routstr.wallet.mint.InvoiceWatcher;
import org.routstr.wallet.mint.Minter;
import org.routstr.wallet.mint.Mints;
import org.routstr.wallet.mint.Receiver;
import org.routstr.wallet.mint.Recovery;
import org.routstr.wallet.mint.Sender;

/**
 * Starts the wallet-service: configuration, database, the Cashu wallet (recovering unfinished mint operations first),
 * the background jobs, then the web server.
 */
public final class Main {
    private static final System.Logger LOG = System.getLogger(Main.class.getName());

    private Main() {
    }

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        RunningService service = start(Config.create());
        Runtime.getRuntime().addShutdownHook(new Thread(service::stop, "wallet-shutdown"));
        LOG.log(Level.INFO, "wallet-service listening on port " + service.port());
    }

    /** Wires and starts the service from a configuration root; the launcher and tests call this too. */
    public static RunningService start(Config config) {
        WalletSettings settings = WalletSettings.from(config);
        RunningService service = new RunningService("wallet-service");
        HikariDataSource ds = service.onStop(Db.pool(DbSettings.from(config.get("db")), "wallet"));
        Migrations.apply(config.get("db"), ds);
        Ledger ledger = new Ledger(ds);
        KafkaSettings kafka = KafkaSettings.from(config.get("kafka"), "wallet");
        var producer = service.onStop(Kafka.producer(kafka));
        ControlBus bus = service.onStop(new ControlBus(kafka, producer));
        service.onStop(LogShipper.install(producer, "wallet-service"));
        LiveSettings live = service.onStop(LiveSettings.start(seededStore(ds, config.get("wallet"), settings), Optional.of(bus),
                config.get("wallet.settings-refresh-interval").as(Duration.class).orElse(Duration.ofSeconds(30))));
        Mints mints = new Mints(settings, () -> live.current().mints(), seed(ds, settings.mnemonic()));
        Receiver receiver = new Receiver(ds, ledger, mints);
        Sender sender = new Sender(ds, ledger, mints);
        Minter minter = new Minter(ds, ledger, mints);
        Recovery recovery = new Recovery(ds, mints, receiver, sender, minter);
        ExpiryRefunds expiry = new ExpiryRefunds(ds, sender);
        ScheduledExecutorService jobs = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("wallet-jobs").factory());
        service.onStop(jobs::shutdownNow);
        long every = settings.recoveryInterval().toMillis();
        jobs.scheduleWithFixedDelay(() -> runJobs(recovery, expiry), 0, every, TimeUnit.MILLISECONDS);
        InvoiceWatcher watcher = new InvoiceWatcher(ds, minter);
        jobs.scheduleWithFixedDelay(() -> watch(watcher), 0, settings.invoiceWatch().toMillis(), TimeUnit.MILLISECONDS);
        Keys keys = new Keys(ledger, receiver);
        AccountQueries queries = new AccountQueries(ds);
        KeyPreviews previews = new KeyPreviews(ds);
        var balance = new BalanceHttpService(ledger, receiver, keys, queries, previews);
        var refunds = new RefundHttpService(ledger, sender, keys, mints::primary, () -> live.current().childKeyCostMsat(), previews);
        var lightning = new LightningHttpService(minter, keys);
        var internal = new InternalHttpService(settings.internalToken(), ledger, receiver, sender,
                new Settlements(ds, settings.changeWait()), new OwnerFunds(ds, sender));
        return service.server(Servers.start(config.get("server"), Optional.of(ds),
                r -> routing(r, balance, refunds, lightning, internal, new DonateHttpService(receiver))));
    }

    static void routing(HttpRouting.Builder routing, BalanceHttpService balance, RefundHttpService refunds,
                        LightningHttpService lightning, InternalHttpService internal, DonateHttpService donate) {
        // donate last: it answers every other /v1/balance/* path with the reference's 404
        routing.register(internal).register(refunds).register(lightning).register(balance).register(donate);
    }

    /** The settings table, seeded on first start with the configured trusted mints, child-key cost and payout address. */
    private static SettingsStore seededStore(DataSource ds, Config w, WalletSettings settings) {
        SettingsStore store = new SettingsStore(ds);
        store.seed(new SettingsSeed().list(SettingField.MINTS, w.get("trusted-mints"))
                .number(SettingField.CHILD_KEY_COST_MSAT, w.get("child-key-cost-msat"))
                .text(SettingField.LIGHTNING_ADDRESS, w.get("lightning-address")).values());
        List<String> stored = store.read().mints();
        if (!stored.isEmpty() && !stored.equals(settings.trustedMints())) {
            LOG.log(Level.WARNING, "wallet.trusted-mints differs from the stored mints setting " + stored
                                   + "; the stored value wins (change it with PATCH /admin/api/settings)");
        }
        return store;
    }

    private static void runJobs(Recovery recovery, ExpiryRefunds expiry) {
        try {
            recovery.runOnce();
            expiry.runOnce();
        } catch (RuntimeException e) {
            // a job failure (database or mint down) must not stop the schedule
            LOG.log(Level.WARNING, "wallet job failed: " + e.getMessage(), e);
        }
    }

    private static void watch(InvoiceWatcher watcher) {
        try {
            watcher.runOnce();
        } catch (RuntimeException e) {
            // a mint or database outage must not stop the schedule
            LOG.log(Level.WARNING, "lightning watcher failed: " + e.getMessage());
        }
    }

    /** The NUT-13 seed: from the configured mnemonic, else a random one kept in the database (first replica wins). */
    private static byte[] seed(DataSource ds, Optional<String> mnemonic) {
        if (mnemonic.isPresent()) {
            return DeterministicSecrets.seedFromMnemonic(mnemonic.get(), "");
        }
        byte[] fresh = new byte[64];
        new SecureRandom().nextBytes(fresh);
        String stored = Db.withConnection(ds, c -> {
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO wallet_seed (id, seed) VALUES (1, ?) ON CONFLICT DO NOTHING")) {
                ins.setString(1, HexFormat.of().formatHex(fresh));
                ins.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT seed FROM wallet_seed WHERE id = 1");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        });
        return HexFormat.of().parseHex(stored);
    }
}
