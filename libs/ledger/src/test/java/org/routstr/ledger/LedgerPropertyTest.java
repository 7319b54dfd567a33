package org.routstr.ledger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.routstr.testsupport.RealInfra;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.routstr.ledger.LedgerFixtures.invariants;
import static org.routstr.ledger.LedgerFixtures.newKeyHash;

/**
 * 10,000 random ledger operations against a model of what each account should hold; the SQL invariants and the model
 * must agree throughout.
 */
@RealInfra
class LedgerPropertyTest {
    private static final int OPERATIONS = 10_000;

    @Test
    void randomOperationsKeepEveryInvariant(DataSource ds) {
        long seed = Long.getLong("ledger.seed", System.nanoTime());
        System.out.println("[ledger-property] seed=" + seed + " (rerun with -Dledger.seed=" + seed + ")");
        Random rnd = new Random(seed);
        Ledger ledger = new Ledger(ds);
        List<String> parents = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        Map<String, Long> expectedBalance = new HashMap<>();
        List<UUID> open = new ArrayList<>();
        List<UUID> done = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String p = newKeyHash();
            ledger.open(NewAccount.of(p));
            parents.add(p);
            keys.add(p);
            expectedBalance.put(p, 0L);
            String c = newKeyHash();
            ledger.open(NewAccount.child(c, p, rnd.nextBoolean() ? Optional.of(rnd.nextLong(50_000)) : Optional.empty(),
                                         Optional.of(LimitReset.MONTHLY)));
            keys.add(c);
        }
        Map<UUID, String> billingOf = new HashMap<>();
        for (int op = 0; op < OPERATIONS; op++) {
            int kind = rnd.nextInt(100);
            if (kind < 15) {
                String p = parents.get(rnd.nextInt(parents.size()));
                long amount = 1 + rnd.nextLong(30_000);
                String idem = rnd.nextInt(10) == 0 && op > 0 ? "deposit:" + (op - 1) : "deposit:" + op;
                if (ledger.credit(p, amount, idem, "prop")) {
                    expectedBalance.merge(p, amount, Long::sum);
                }
            } else if (kind < 50) {
                String k = keys.get(rnd.nextInt(keys.size()));
                UUID id = rnd.nextInt(20) == 0 && !done.isEmpty() ? done.get(rnd.nextInt(done.size())) : UUID.randomUUID();
                if (ledger.reserve(id, k, rnd.nextLong(10_000)) == ReserveResult.OK) {
                    open.add(id);
                    billingOf.put(id, ledger.account(k).orElseThrow().billingHash());
                }
            } else if (kind < 80 && !open.isEmpty() || kind >= 80 && kind < 85 && !done.isEmpty()) {
                // settle an open reservation, or try a second settle of a finished one (must change nothing)
                UUID id = kind < 80 ? open.remove(rnd.nextInt(open.size())) : done.get(rnd.nextInt(done.size()));
                ledger.settle(id, rnd.nextLong(15_000), "prop").ifPresent(s -> {
                    expectedBalance.merge(billingOf.get(id), -s.chargedMsat(), Long::sum);
                    done.add(id);
                });
            } else if (kind < 92 && !open.isEmpty()) {
                UUID id = open.remove(rnd.nextInt(open.size()));
                assertThat(ledger.release(id), is(true));
                done.add(id);
            } else {
                String p = parents.get(rnd.nextInt(parents.size()));
                Optional<Long> amount = rnd.nextBoolean() ? Optional.empty() : Optional.of(rnd.nextLong(20_000));
                DebitResult r = ledger.debit(p, amount, DebitKind.REFUND, "refund:" + rnd.nextInt(OPERATIONS), "prop");
                if (r instanceof DebitResult.Debited d) {
                    expectedBalance.merge(p, -d.msat(), Long::sum);
                }
            }
            if (op % 500 == 0) {
                assertThat("after op " + op + " seed " + seed, invariants(ds), is("ok"));
            }
        }
        for (UUID id : open) {
            ledger.release(id);
        }
        assertThat("seed " + seed, invariants(ds), is("ok"));
        for (String p : parents) {
            Account a = ledger.account(p).orElseThrow();
            assertThat("balance of " + p + " seed " + seed, a.balanceMsat(), is(expectedBalance.get(p)));
            assertThat(a.reservedMsat(), is(0L));
        }
    }
}
