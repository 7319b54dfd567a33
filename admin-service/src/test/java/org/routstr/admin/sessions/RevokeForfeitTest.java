package org.routstr.admin.sessions;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

import org.routstr.common.db.Db;
import org.routstr.common.kafka.ControlBus;
import org.routstr.common.kafka.Kafka;
import org.routstr.common.kafka.KafkaSettings;
import org.routstr.common.keys.ApiKeys;
import org.routstr.ledger.Account;
import org.routstr.ledger.Ledger;
import org.routstr.ledger.NewAccount;
import org.routstr.testsupport.RealInfra;
import org.routstr.testsupport.TestDb;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;

/**
 * A revoke forfeits a key's reserved money too: what its requests in flight held goes to the operator as they settle
 * (ledger_settle, billing's set-based billing_apply_usage) or are released, each booked as {@code forfeit}, to the msat.
 */
@RealInfra
class RevokeForfeitTest {
    @Test
    void reservedAtTheRevokeGoesToTheOperatorAsItsRequestsSettleOrRelease(TestDb db, KafkaSettings kafka) {
        DataSource ds = db.dataSource();
        Ledger ledger = new Ledger(ds);
        String hash = ApiKeys.hash(ApiKeys.newKey());
        ledger.open(NewAccount.of(hash));
        ledger.credit(hash, 10_000, "deposit:" + hash, "test");
        UUID settled = UUID.randomUUID();
        UUID released = UUID.randomUUID();
        UUID batched = UUID.randomUUID();
        assertThat(ledger.reserve(settled, hash, 3_000).name(), is("OK"));
        assertThat(ledger.reserve(released, hash, 2_000).name(), is("OK"));
        assertThat(ledger.reserve(batched, hash, 1_500).name(), is("OK"));

        try (KafkaProducer<String, byte[]> producer = Kafka.producer(kafka); ControlBus bus = new ControlBus(kafka, producer)) {
            Revoker.Revoked r = new Revoker(ds, ledger, bus).revoke(hash);
            assertThat("the available part at once", r.forfeitedMsat(), is(3_500L));
        }
        assertThat(account(ledger, hash).balanceMsat(), is(6_500L));
        assertThat(account(ledger, hash).reservedMsat(), is(6_500L));

        ledger.settle(settled, 1_200, "served before the revoke took effect");
        assertThat("charge 1,200, the other 1,800 forfeited", account(ledger, hash).balanceMsat(), is(3_500L));
        ledger.release(released);
        assertThat(account(ledger, hash).balanceMsat(), is(1_500L));
        applyUsage(ds, batched, hash, 700);
        Account after = account(ledger, hash);
        assertThat(after.balanceMsat(), is(0L));
        assertThat(after.reservedMsat(), is(0L));
        assertThat(after.spentMsat(), is(1_900L));

        assertThat(entries(ds, hash), contains("deposit 10000", "forfeit -3500", "charge -1200", "forfeit -1800", "forfeit -2000",
                                               "charge -700", "forfeit -800"));
        assertThat("the entries add up to the balance", entries(ds, hash).stream()
                .mapToLong(e -> Long.parseLong(e.substring(e.indexOf(' ') + 1))).sum(), is(0L));
    }

    private static Account account(Ledger ledger, String hash) {
        return ledger.account(hash).orElseThrow();
    }

    /** billing's settlement of one usage event (the set-based path: a plain account, no limit). */
    private static void applyUsage(DataSource ds, UUID id, String hash, long cost) {
        Db.inTransaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT settled FROM billing_apply_usage(ARRAY[?::uuid], ARRAY[?], ARRAY[?::bigint], ARRAY['standin-gpt'],
                           ARRAY[false], ARRAY[10::bigint], ARRAY[20::bigint], ARRAY[0::bigint], ARRAY[now()])""")) {
                ps.setObject(1, id);
                ps.setString(2, hash);
                ps.setLong(3, cost);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(rs.getInt(1), is(1));
                }
            }
            return null;
        });
    }

    private static List<String> entries(DataSource ds, String hash) {
        return Db.withConnection(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT kind, amount_msat FROM ledger WHERE account_hash = ? ORDER BY id")) {
                ps.setString(1, hash);
                List<String> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1) + " " + rs.getLong(2));
                    }
                }
                return out;
            }
        });
    }
}
