package org.routstr.ledger;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.routstr.common.db.Db;
import org.routstr.testsupport.RealInfra;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.routstr.ledger.LedgerFixtures.invariants;
import static org.routstr.ledger.LedgerFixtures.newKeyHash;

/**
 * 10,000 random ledger operations against {@link LedgerModel}, which computes every outcome and balance from the inputs
 * alone: each answer of the ledger must be the model's, every account must hold what the model holds, and the operations
 * that must change nothing (a repeated credit, reserve, settle, release or debit) leave the database as it was.
 */
@RealInfra
class LedgerPropertyTest {
    private static final int OPERATIONS = 10_000;

    @Test
    void randomOperationsAgreeWithAModelBuiltFromTheInputs(DataSource ds) {
        long seed = Long.getLong("ledger.seed", System.nanoTime());
        System.out.println("[ledger-property] seed=" + seed + " (rerun with -Dledger.seed=" + seed + ")");
        Random rnd = new Random(seed);
        Ledger ledger = new Ledger(ds);
        LedgerModel model = new LedgerModel();
        List<String> parents = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String p = newKeyHash();
            ledger.open(NewAccount.of(p));
            model.open(p, Optional.empty(), Optional.empty());
            parents.add(p);
            keys.add(p);
            String c = newKeyHash();
            Optional<Long> limit = rnd.nextBoolean() ? Optional.of(rnd.nextLong(50_000)) : Optional.empty();
            ledger.open(NewAccount.child(c, p, limit, Optional.of(LimitReset.MONTHLY)));
            model.open(c, Optional.of(p), limit);
            keys.add(c);
        }
        String tag = "prop-" + seed + "-";
        List<UUID> open = new ArrayList<>();
        List<UUID> done = new ArrayList<>();
        for (int op = 0; op < OPERATIONS; op++) {
            String at = "op " + op + " seed " + seed;
            int kind = rnd.nextInt(100);
            boolean repeat = rnd.nextInt(10) == 0;
            String before = repeat ? state(ds, keys) : "";
            boolean nothing;
            if (kind < 15) {
                String p = parents.get(rnd.nextInt(parents.size()));
                long amount = 1 + rnd.nextLong(30_000);
                String idem = tag + "deposit:" + (repeat && op > 0 ? op - 1 : op);
                boolean expected = model.credit(p, amount, idem);
                assertThat(at, ledger.credit(p, amount, idem, "prop"), is(expected));
                nothing = !expected;
            } else if (kind < 50) {
                String k = keys.get(rnd.nextInt(keys.size()));
                UUID id = repeat && !done.isEmpty() ? done.get(rnd.nextInt(done.size())) : UUID.randomUUID();
                long amount = rnd.nextLong(10_000);
                ReserveResult expected = model.reserve(id, k, amount);
                assertThat(at, ledger.reserve(id, k, amount), is(expected));
                if (expected == ReserveResult.OK) {
                    open.add(id);
                }
                nothing = expected != ReserveResult.OK;
            } else if (kind < 80 && !open.isEmpty() || kind >= 80 && kind < 85 && !done.isEmpty()) {
                // settle an open reservation (costs up to 1.5 times the most reserved: overruns), or settle a finished one
                UUID id = kind < 80 ? open.remove(rnd.nextInt(open.size())) : done.get(rnd.nextInt(done.size()));
                long cost = rnd.nextLong(15_000) - (rnd.nextInt(50) == 0 ? 20_000 : 0);
                Optional<Settlement> expected = model.settle(id, cost);
                assertThat(at, ledger.settle(id, cost, "prop"), is(expected));
                if (kind < 80) {
                    done.add(id);
                }
                nothing = expected.isEmpty();
            } else if (kind < 92 && (!open.isEmpty() || !done.isEmpty())) {
                boolean second = open.isEmpty() || repeat && !done.isEmpty();
                UUID id = second ? done.get(rnd.nextInt(done.size())) : open.remove(rnd.nextInt(open.size()));
                boolean expected = model.release(id);
                assertThat(at, ledger.release(id), is(expected));
                if (!second) {
                    done.add(id);
                }
                nothing = !expected;
            } else {
                String p = parents.get(rnd.nextInt(parents.size()));
                Optional<Long> amount = rnd.nextBoolean() ? Optional.empty() : Optional.of(rnd.nextLong(20_000));
                String idem = tag + "refund:" + rnd.nextInt(OPERATIONS / 4);
                DebitResult expected = model.debit(p, amount, idem);
                assertThat(at, ledger.debit(p, amount, DebitKind.REFUND, idem, "prop"), is(expected));
                nothing = !(expected instanceof DebitResult.Debited);
            }
            if (repeat && nothing) {
                assertThat(at + ": an operation that must change nothing changed something", state(ds, keys), is(before));
            }
            if (op % 100 == 0) {
                agree(ledger, model, keys, at);
            }
            if (op % 1_000 == 0) {
                assertThat(at, invariants(ds), is("ok"));
            }
        }
        for (UUID id : open) {
            assertThat(ledger.release(id), is(model.release(id)));
        }
        agree(ledger, model, keys, "end seed " + seed);
        assertThat("seed " + seed, invariants(ds), is("ok"));
    }

    private static void agree(Ledger ledger, LedgerModel model, List<String> keys, String at) {
        for (String k : keys) {
            Account a = ledger.account(k).orElseThrow();
            LedgerModel.Acct m = model.accounts.get(k);
            assertThat("balance of " + k + " " + at, a.balanceMsat(), is(m.balance));
            assertThat("reserved of " + k + " " + at, a.reservedMsat(), is(m.reserved));
            assertThat("spent of " + k + " " + at, a.spentMsat(), is(m.spent));
            assertThat("window spent of " + k + " " + at, a.windowSpentMsat(), is(m.window));
        }
    }

    /** Everything an operation could change about these keys: their rows, their reservations and their ledger entries. */
    private static String state(DataSource ds, List<String> keys) {
        return Db.withConnection(ds, c -> {
            try (var ps = c.prepareStatement("""
                    SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (
                      SELECT concat_ws(',', key_hash, balance_msat, reserved_msat, spent_msat, requests, window_spent_msat) AS x
                        FROM accounts WHERE key_hash = ANY (?)
                      UNION ALL SELECT concat_ws(',', id, status, charged_msat) FROM reservations WHERE key_hash = ANY (?)
                      UNION ALL SELECT concat_ws(',', idem_key, amount_msat, unpaid_msat) FROM ledger WHERE account_hash = ANY (?)) s""")) {
                var arr = c.createArrayOf("text", keys.toArray());
                ps.setArray(1, arr);
                ps.setArray(2, arr);
                ps.setArray(3, arr);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        });
    }
}
