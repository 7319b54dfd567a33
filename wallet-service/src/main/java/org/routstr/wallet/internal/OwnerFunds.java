package org.routstr.wallet.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.routstr.common.db.Db;
import org.routstr.common.http.ApiException;
import org.routstr.common.json.Json;
import org.routstr.wallet.mint.Issued;
import org.routstr.wallet.mint.OwnerMelts;
import org.routstr.wallet.mint.Sender;
import org.routstr.wallet.mint.WalletBooks;

/**
 * The owner's share = the ecash the wallet holds minus what it owes users (all balances, reserved included, and every
 * pending payout's debit); an owner withdrawal (a token, or a Lightning payment with its fee reserve) may take that and
 * never more. Withdrawals are serialised by an advisory lock across replicas.
 */
public final class OwnerFunds {
    private static final long LOCK = 0x726f757473747277L;

    private final DataSource ds;
    private final Sender sender;

    public OwnerFunds(DataSource ds, Sender sender) {
        this.ds = ds;
        this.sender = sender;
    }

    ObjectNode report() {
        Map<String, Long> holdings = WalletBooks.holdings(ds);
        long walletMsat = WalletBooks.totalMsat(holdings);
        long users = userLiabilitiesMsat();
        ObjectNode n = Json.object().put("wallet_msat", walletMsat).put("user_msat", users)
                .put("owner_msat", Math.max(0, walletMsat - users));
        ObjectNode per = n.putObject("holdings");
        holdings.forEach(per::put);
        return n;
    }

    Issued withdraw(long amount, String unit, String mint) {
        return Db.inTransaction(ds, c -> {
            checkShare(c, unit.equals("msat") ? amount : amount * 1000);
            Issued i = sender.ownerToken("owner:" + UUID.randomUUID(), amount, unit, mint);
            if (!i.state().equals("issued")) {
                throw ApiException.unavailable("withdraw_failed", "Withdrawal failed: " + i.state());
            }
            return i;
        });
    }

    /**
     * Pays the owner's money to a Lightning address or bolt11 invoice, once per {@code key}: amount and fee reserve must fit
     * in the owner's share (checked under the withdrawal lock, in the transaction that claims the proofs).
     */
    Issued melt(String key, String destination, Optional<Long> amountSat, String mint) {
        String id = "owner-ln:" + key;
        OwnerMelts melts = sender.ownerMelts();
        Optional<Issued> prior = melts.find(id);
        if (prior.isPresent()) {
            return prior.get();
        }
        OwnerMelts.Quote q = melts.quote(destination, amountSat, mint);
        return melts.pay(id, destination, q, this::checkShare);
    }

    /** Takes the withdrawal lock (until the caller's transaction ends) and refuses more than the owner's share. */
    private void checkShare(Connection c, long wantedMsat) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            ps.setLong(1, LOCK);
            ps.execute();
        }
        long share = WalletBooks.totalMsat(WalletBooks.holdings(ds)) - userLiabilitiesMsat();
        if (wantedMsat > share) {
            throw ApiException.badRequest("insufficient_owner_balance",
                    "Insufficient owner balance: " + Math.max(0, share) + " msat may be withdrawn");
        }
    }

    private long userLiabilitiesMsat() {
        return Db.withConnection(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    // a pending payout is users' money until it is paid: a failing one gives its debit back
                    """
                    SELECT (SELECT coalesce(sum(balance_msat), 0) FROM accounts WHERE parent_hash IS NULL)
                         + (SELECT coalesce(sum(debited_msat), 0) FROM wallet_tokens_out
                             WHERE state = 'pending' AND account_hash IS NOT NULL)""");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }
}
