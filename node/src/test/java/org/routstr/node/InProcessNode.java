package org.routstr.node;

import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import org.routstr.common.db.Db;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.standin.StandinUpstream;
import org.routstr.testmint.TestMint;
import org.routstr.testsupport.TestDb;

/**
 * The whole node as the launcher composes it (gateway in front of billing, wallet, admin and discovery) on the test's
 * PostgreSQL and Kafka, with a test mint (mint quotes left unpaid: no Lightning money appears) and the stand-in upstream.
 * For the abuse tests of issue 12, which talk only to the gateway's public port.
 */
final class InProcessNode implements AutoCloseable {
    static final String INTERNAL = "in-process-node-internal-secret";
    static final String UPSTREAM_KEY = "sk-upstream-provider-key-0123456789abcdefSECRET";
    private final Node node;
    private final TestMint mint;
    private final StandinUpstream upstream;
    private final DataSource ds;
    private final int port;

    private InProcessNode(Node node, TestMint mint, StandinUpstream upstream, DataSource ds, int port) {
        this.node = node;
        this.mint = mint;
        this.upstream = upstream;
        this.ds = ds;
        this.port = port;
    }

    /** Starts the node; {@code extra} overrides the defaults (for example a consumer group of the test's own). */
    static InProcessNode start(TestDb db, KafkaSettings kafka, Path dataDir, Map<String, String> extra) {
        return start(db, kafka, dataDir, extra, false);
    }

    /** As above; {@code payInvoices}: the mint's fake Lightning pays every mint quote at once (Lightning top-ups work). */
    static InProcessNode start(TestDb db, KafkaSettings kafka, Path dataDir, Map<String, String> extra, boolean payInvoices) {
        TestMint mint = TestMint.builder().autoPayMintQuotes(payInvoices).start();
        StandinUpstream upstream = StandinUpstream.start("127.0.0.1", 0);
        Map<String, String> d = new HashMap<>();
        d.put("wallet.trusted-mints", mint.url());
        d.put("wallet.mint-timeout", "PT5S");
        d.put("wallet.allowed-hosts", "127.0.0.1");
        d.put("billing.fixed-usd-per-btc", DemoMode.DEMO_USD_PER_BTC);
        d.put("gateway.secret-key", "in-process-node-secret-key");
        String p = "gateway.providers.0.";
        d.put(p + "slug", "standin");
        d.put(p + "base-url", upstream.url() + "/v1");
        d.put(p + "api-key", UPSTREAM_KEY);
        d.put(p + "models.0.id", "standin-gpt");
        d.put(p + "models.0.input-usd-per-m", "2.50");
        d.put(p + "models.0.output-usd-per-m", "10.00");
        d.putAll(extra);
        NodeSettings s = new NodeSettings(dataDir, Optional.empty(), "127.0.0.1", 0, Optional.of(db.settings().url()),
                                          db.settings().user(), db.settings().password(), Optional.of(kafka.bootstrapServers()),
                                          NodeSettings.Demo.OFF, 0, 0, 0, true);
        Node node = new Node(new Progress(new PrintStream(OutputStream.nullOutputStream())));
        try {
            Node.Started started = node.start(s, INTERNAL, d, Optional.empty());
            return new InProcessNode(node, mint, upstream, db.dataSource(), started.gatewayPort());
        } catch (RuntimeException e) {
            upstream.close();
            mint.close();
            throw e;
        }
    }

    /** The gateway's public port. */
    int port() {
        return port;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    TestMint mint() {
        return mint;
    }

    StandinUpstream upstream() {
        return upstream;
    }

    DataSource dataSource() {
        return ds;
    }

    /** Every figure money lives in: ledger entries and sums, balances, reservations, the wallet's proofs, issued tokens. */
    String money() {
        return Db.withConnection(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT (SELECT count(*) FROM ledger) || ' ledger/' || (SELECT coalesce(sum(amount_msat), 0) FROM ledger)
                           || ' sum/' || (SELECT count(*) FROM accounts) || ' accounts/'
                           || (SELECT coalesce(sum(balance_msat), 0) FROM accounts) || ' balance/'
                           || (SELECT coalesce(sum(reserved_msat), 0) FROM accounts) || ' reserved/'
                           || (SELECT count(*) FROM wallet_proofs) || ' proofs/'
                           || (SELECT coalesce(sum(amount), 0) FROM wallet_proofs WHERE state = 'unspent') || ' unspent'""");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        });
    }

    @Override
    public void close() {
        node.stop();
        upstream.close();
        mint.close();
    }
}
