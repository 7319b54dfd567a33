import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

import com.zaxxer.hikari.HikariDataSource;

import org.routstr.common.db.Db;
import org.routstr.common.db.DbSettings;
import org.routstr.common.keys.ApiKeys;
import org.routstr.common.server.RunningService;
import org.routstr.embedded.EmbeddedDatabase;
import org.routstr.embedded.KafkaProcess;
import org.routstr.ledger.Ledger;
import org.routstr.ledger.NewAccount;
import org.routstr.standin.StandinUpstream;

/**
 * Bench host (not a test): embedded PostgreSQL, a Kafka broker in its own JVM, the stand-in upstream and a gateway with
 * billing on (reserve per request, usage events to Kafka). Writes ports and funded keys to the ready file, then waits
 * for its stdin to close.
 */
public class Host {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int keys = 64;
        // durable (fsync on, the default) as in production; -Ddurable=false shows what the commit flush costs
        boolean durable = Boolean.parseBoolean(System.getProperty("durable", "true"));
        try (EmbeddedDatabase pg = EmbeddedDatabase.start(durable ? Optional.of(dir.resolve("pg")) : Optional.empty(), 0);
             KafkaProcess broker = KafkaProcess.start(dir.resolve("kafka"), 0);
             StandinUpstream upstream = StandinUpstream.start("127.0.0.1", 0)) {
            pg.createDatabase("gw");
            Map<String, String> m = new HashMap<>();
            m.put("server.host", "127.0.0.1");
            m.put("server.port", "0");
            m.put("db.url", pg.jdbcUrl("gw"));
            m.put("db.user", pg.user());
            m.put("db.password", "");
            m.put("db.pool-size", "16");
            m.put("kafka.bootstrap-servers", broker.bootstrapServers());
            m.put("gateway.providers.0.slug", "standin");
            m.put("gateway.providers.0.base-url", upstream.url() + "/v1");
            m.put("gateway.providers.0.models.0.id", "standin-gpt");
            m.put("gateway.providers.0.models.0.input-usd-per-m", "30");
            m.put("gateway.providers.0.models.0.output-usd-per-m", "60");
            m.put("gateway.providers.0.models.0.context-length", "8000");
            HikariDataSource ds = Db.pool(new DbSettings(pg.jdbcUrl("gw"), pg.user(), "", 2), "bench");
            Db.migrate(ds);
            Db.withConnection(ds, c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO btc_rate (id, usd_per_btc, source) VALUES (1, ?, 'bench')")) {
                    ps.setBigDecimal(1, new BigDecimal("100000"));
                    return ps.executeUpdate();
                }
            });
            RunningService gateway = org.routstr.gateway.Main.start(Config.just(ConfigSources.create(m)));
            Ledger ledger = new Ledger(ds);
            List<String> list = new ArrayList<>();
            for (int i = 0; i < keys; i++) {
                String key = ApiKeys.newKey();
                ledger.open(NewAccount.of(ApiKeys.hash(key)));
                ledger.credit(ApiKeys.hash(key), 1_000_000_000_000L, "bench:" + i, "bench");
                list.add(key);
            }
            Files.write(dir.resolve("keys.txt"), list);
            Thread.sleep(200);
            Files.writeString(dir.resolve("ready.tmp"), "upstream=" + upstream.port() + "\ngateway=" + gateway.port() + "\n");
            Files.move(dir.resolve("ready.tmp"), dir.resolve("ready"));
            System.in.read();
            gateway.stop();
            ds.close();
        }
    }
}
