package org.routstr.ledger;

import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.routstr.ledger.LedgerFixtures.newKeyHash;

/** Issue 11: the guarantee the ledger's foreign key gave (dropped in V6): an account with ledger history stays. */
@org.routstr.testsupport.RealInfra
class LedgerAccountGuardTest {

    @Test
    void anAccountWithLedgerHistoryCannotBeDeletedAnEmptyOneCan(DataSource ds) throws Exception {
        Ledger ledger = new Ledger(ds);
        String paid = newKeyHash();
        String empty = newKeyHash();
        ledger.open(NewAccount.of(paid));
        ledger.credit(paid, 5_000, "deposit:" + paid, "guard test");
        ledger.open(NewAccount.of(empty));

        SQLException refused = assertThrows(SQLException.class, () -> delete(ds, "DELETE FROM accounts WHERE key_hash = '" + paid + "'"));
        assertThat(refused.getMessage(), refused.getSQLState(), is("23503"));
        // one statement over both: refused as a whole, so the empty one stays too
        assertThrows(SQLException.class,
                     () -> delete(ds, "DELETE FROM accounts WHERE key_hash IN ('" + paid + "', '" + empty + "')"));
        assertThat(ledger.account(paid).isPresent(), is(true));
        assertThat(ledger.account(empty).isPresent(), is(true));
        SQLException renamed = assertThrows(SQLException.class,
                () -> delete(ds, "UPDATE accounts SET key_hash = key_hash || 'x' WHERE key_hash = '" + paid + "'"));
        assertThat(renamed.getMessage(), renamed.getSQLState(), is("23503"));

        assertThat(delete(ds, "DELETE FROM accounts WHERE key_hash = '" + empty + "'"), is(1));
        assertThat(ledger.account(empty).isPresent(), is(false));
        assertThat(ledger.account(paid).orElseThrow().balanceMsat(), is(5_000L));
    }

    private static int delete(DataSource ds, String sql) throws SQLException {
        try (var c = ds.getConnection(); Statement st = c.createStatement()) {
            return st.executeUpdate(sql);
        }
    }
}
