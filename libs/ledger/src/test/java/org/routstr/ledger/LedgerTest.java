package org.routstr.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.routstr.common.db.Db;
import org.routstr.common.db.DbException;
import org.routstr.testsupport.RealInfra;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.routstr.ledger.LedgerFixtures.invariants;
import static org.routstr.ledger.LedgerFixtures.newKeyHash;

@RealInfra
class LedgerTest {
    private final DataSource ds;
    private final Ledger ledger;

    LedgerTest(DataSource ds) {
        this.ds = ds;
        this.ledger = new Ledger(ds);
    }

    private String funded(long msat) {
        String key = newKeyHash();
        assertThat(ledger.open(NewAccount.of(key)), is(true));
        assertThat(ledger.credit(key, msat, "deposit:" + key, "test"), is(true));
        return key;
    }

    @Test
    void creditIsIdempotentByKey() {
        String key = funded(5_000);
        assertThat(ledger.credit(key, 5_000, "deposit:" + key, "again"), is(false));
        assertThat(ledger.account(key).orElseThrow().balanceMsat(), is(5_000L));
        assertThat(invariants(ds), is("ok"));
    }

    @Test
    void reserveSettleChargesRealCostAndReleasesTheRest() {
        String key = funded(10_000);
        UUID id = UUID.randomUUID();
        assertThat(ledger.reserve(id, key, 4_000), is(ReserveResult.OK));
        assertThat(ledger.account(key).orElseThrow().availableMsat(), is(6_000L));
        assertThat(ledger.settle(id, 1_500, "chat").orElseThrow(), is(new Settlement(1_500, 0)));
        Account a = ledger.account(key).orElseThrow();
        assertThat(a.balanceMsat(), is(8_500L));
        assertThat(a.reservedMsat(), is(0L));
        assertThat(a.spentMsat(), is(1_500L));
        assertThat(invariants(ds), is("ok"));
    }

    @Test
    void secondSettleOrReleaseChangesNothing() {
        String key = funded(10_000);
        UUID id = UUID.randomUUID();
        ledger.reserve(id, key, 3_000);
        assertThat(ledger.settle(id, 2_000, "x").isPresent(), is(true));
        assertThat(ledger.settle(id, 2_000, "x").isPresent(), is(false));
        assertThat(ledger.release(id), is(false));
        assertThat(ledger.reserve(id, key, 3_000), is(ReserveResult.DUPLICATE));
        UUID other = UUID.randomUUID();
        ledger.reserve(other, key, 1_000);
        assertThat(ledger.release(other), is(true));
        assertThat(ledger.release(other), is(false));
        assertThat(ledger.settle(other, 1_000, "late").isPresent(), is(false));
        Account a = ledger.account(key).orElseThrow();
        assertThat(a.balanceMsat(), is(8_000L));
        assertThat(a.reservedMsat(), is(0L));
        assertThat(invariants(ds), is("ok"));
    }

    @Test
    void insufficientBalanceIsRefusedWithoutSideEffects() {
        String key = funded(1_000);
        assertThat(ledger.reserve(UUID.randomUUID(), key, 1_001), is(ReserveResult.INSUFFICIENT));
        assertThat(ledger.reserve(UUID.randomUUID(), newKeyHash(), 1), is(ReserveResult.UNKNOWN_KEY));
        Account a = ledger.account(key).orElseThrow();
        assertThat(a.reservedMsat(), is(0L));
        assertThat(a.requests(), is(0L));
        assertThat(invariants(ds), is("ok"));
    }

    @Test
    void anOverrunIsChargedAsItsReservationAndTheRestWrittenOff() {
        String key = funded(10_000);
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        ledger.reserve(a, key, 2_000);
        ledger.reserve(b, key, 7_000);
        // a really cost 5,000: never more than its 2,000 reservation is charged, whatever the account holds
        assertThat(ledger.settle(a, 5_000, "overrun").orElseThrow(), is(new Settlement(2_000, 3_000)));
        assertThat(ledger.account(key).orElseThrow().availableMsat(), is(1_000L));
        assertThat(ledger.settle(b, 7_000, "b").orElseThrow(), is(new Settlement(7_000, 0)));
        assertThat(ledger.account(key).orElseThrow().balanceMsat(), is(1_000L));
        assertThat(count("SELECT count(*) FROM ledger WHERE reservation_id = '" + a + "' AND memo LIKE '%overrun: cost 5000 above"
                         + " reservation 2000%'"), is(1L));
        assertThat(invariants(ds), is("ok"));
    }

    /** The reservation answers what the paying account has left in the same round trip (the gateway reports it). */
    @Test
    void aReservationSeesWhatThePayingAccountHasLeft() {
        String key = funded(10_000);
        assertThat(ledger.reserveSeeing(UUID.randomUUID(), key, 4_000), is(new Reserved(ReserveResult.OK, 6_000)));
        UUID second = UUID.randomUUID();
        assertThat(ledger.reserveSeeing(second, key, 1_000), is(new Reserved(ReserveResult.OK, 5_000)));
        assertThat(ledger.reserveSeeing(second, key, 1_000), is(new Reserved(ReserveResult.DUPLICATE, 5_000)));
        assertThat(ledger.reserveSeeing(UUID.randomUUID(), key, 5_001), is(new Reserved(ReserveResult.INSUFFICIENT, 5_000)));
        assertThat(ledger.reserveSeeing(UUID.randomUUID(), newKeyHash(), 1), is(new Reserved(ReserveResult.UNKNOWN_KEY, 0)));
        // a child key sees its parent's money, which pays for it
        String child = newKeyHash();
        assertThat(ledger.open(NewAccount.child(child, key, Optional.of(3_000L), Optional.empty())), is(true));
        assertThat(ledger.reserveSeeing(UUID.randomUUID(), child, 2_000), is(new Reserved(ReserveResult.OK, 3_000)));
        assertThat(ledger.reserveSeeing(UUID.randomUUID(), child, 1_001), is(new Reserved(ReserveResult.OVER_LIMIT, 3_000)));
        assertThat(ledger.account(key).orElseThrow().availableMsat(), is(3_000L));
        assertThat(invariants(ds), is("ok"));
    }

    @Test
    void childKeysSpendFromTheirParentWithinTheirLimit() {
        String parent = funded(100_000);
        String child = newKeyHash();
        assertThat(ledger.open(NewAccount.child(child, parent, Optional.of(5_000L), Optional.of(LimitReset.DAILY))), is(true));
        UUID r1 = UUID.randomUUID();
        assertThat(ledger.reserve(r1, child, 4_000), is(ReserveResult.OK));
        assertThat(ledger.reserve(UUID.randomUUID(), child, 1_001), is(ReserveResult.OVER_LIMIT));
        // the charge is capped at the reservation the child's limit admitted, not stretched to the limit's room (5,000)
        assertThat(ledger.settle(r1, 9_000, "child overrun").orElseThrow(), is(new Settlement(4_000, 5_000)));
        assertThat(ledger.reserve(UUID.randomUUID(), child, 1_001), is(ReserveResult.OVER_LIMIT));
        assertThat(ledger.account(parent).orElseThrow().balanceMsat(), is(96_000L));
        assertThat(ledger.account(child).orElseThrow().spentMsat(), is(4_000L));
        String grandchild = newKeyHash();
        DbException e = assertThrows(DbException.class, () -> ledger.open(NewAccount.child(grandchild, child, Optional.empty(),
                                                                                          Optional.empty())));
        assertThat(e.getMessage(), containsString("child key cannot have children"));
        assertThat(invariants(ds), is("ok"));
    }

    @Test
    void aChildCannotReserveOnceItsParentIsPastItsValidityOrExpiry() {
        Instant past = Instant.now().minusSeconds(5);
        for (NewAccount parentSpec : List.of(withDates(newKeyHash(), Optional.of(past), Optional.empty()),
                                             withDates(newKeyHash(), Optional.empty(), Optional.of(past)))) {
            String parent = parentSpec.keyHash();
            assertThat(ledger.open(parentSpec), is(true));
            assertThat(ledger.credit(parent, 10_000, "deposit:" + parent, "test"), is(true));
            String child = newKeyHash();
            assertThat(ledger.open(NewAccount.child(child, parent, Optional.empty(), Optional.empty())), is(true));
            assertThat(ledger.reserve(UUID.randomUUID(), child, 1_000), is(ReserveResult.EXPIRED));
            assertThat(ledger.reserve(UUID.randomUUID(), parent, 1_000), is(ReserveResult.EXPIRED));
            assertThat(ledger.account(parent).orElseThrow().reservedMsat(), is(0L));
            assertThat(ledger.account(child).orElseThrow().reservedMsat(), is(0L));
        }
        assertThat(invariants(ds), is("ok"));
    }

    private static NewAccount withDates(String key, Optional<Instant> validUntil, Optional<Instant> expiresAt) {
        return new NewAccount(key, Optional.empty(), Optional.empty(), Optional.empty(), validUntil, expiresAt,
                              Optional.empty(), Optional.empty(), Optional.empty());
    }

    private long count(String sql) {
        return Db.withConnection(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql); var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Test
    void debitTakesOnlyAvailableMoneyOnce() {
        String key = funded(10_000);
        UUID held = UUID.randomUUID();
        ledger.reserve(held, key, 4_000);
        assertThat(ledger.debit(key, Optional.empty(), DebitKind.REFUND, "refund:1", "all"), is(new DebitResult.Debited(6_000)));
        assertThat(ledger.debit(key, Optional.empty(), DebitKind.REFUND, "refund:1", "all"), is(new DebitResult.Duplicate(6_000)));
        assertThat(ledger.debit(key, Optional.of(1L), DebitKind.WITHDRAWAL, "w:1", "w"), instanceOf(DebitResult.Insufficient.class));
        assertThat(ledger.settle(held, 4_000, "x").orElseThrow().chargedMsat(), is(4_000L));
        assertThat(ledger.account(key).orElseThrow().balanceMsat(), is(0L));
        assertThat(invariants(ds), is("ok"));
    }

    @Test
    void balancesCannotBeChangedOutsideTheLedger() throws SQLException {
        String key = funded(1_000);
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE accounts SET balance_msat = 1000000 WHERE key_hash = ?")) {
            ps.setString(1, key);
            SQLException e = assertThrows(SQLException.class, ps::executeUpdate);
            assertThat(e.getMessage(), containsString("only through the ledger"));
        }
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("DELETE FROM ledger")) {
            SQLException e = assertThrows(SQLException.class, ps::executeUpdate);
            assertThat(e.getMessage(), containsString("append-only"));
        }
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE reservations SET status = 'active' WHERE status <> 'active'")) {
            UUID id = UUID.randomUUID();
            ledger.reserve(id, key, 10);
            ledger.release(id);
            SQLException e = assertThrows(SQLException.class, ps::executeUpdate);
            assertThat(e.getMessage(), containsString("already"));
        }
        assertThat(ledger.account(key).orElseThrow().balanceMsat(), is(1_000L));
    }

    @Test
    void callerTransactionRollsBackLedgerWork() {
        String key = funded(1_000);
        assertThrows(IllegalStateException.class, () -> Db.inTransaction(ds, c -> {
            ledger.credit(c, key, 500, "deposit:rolled-back", "x");
            throw new IllegalStateException("boom");
        }));
        assertThat(ledger.account(key).orElseThrow().balanceMsat(), is(1_000L));
        assertThat(ledger.credit(key, 500, "deposit:rolled-back", "x"), is(true));
    }
}
