package org.routstr.wallet.mint;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import org.routstr.common.db.Db;
import org.routstr.common.http.ApiException;
import org.routstr.crypto.cashu.client.MintException;
import org.routstr.crypto.cashu.client.MintRejectedException;
import org.routstr.crypto.cashu.nut01.MintKeyset;
import org.routstr.crypto.cashu.nut05.MeltQuoteRequest;
import org.routstr.crypto.cashu.nut05.MeltQuoteResponse;

/**
 * The operator's Lightning withdrawals: a NUT-05 melt of the wallet's own proofs (no account is debited; the owner's share
 * is what the caller's {@link Guard} checks). A Lightning address or LNURL-pay URL becomes an invoice through the
 * {@link OutboundGuard}; a bolt11 invoice is paid as it is. The payout row (kind {@code owner_ln}), the claimed proofs
 * and the melt operation commit together, so a repeat of the id finds the first payment, a lost answer is resolved by
 * recovery like every melt, and a failed melt puts the proofs back.
 */
public final class OwnerMelts {
    /** The payout kind of an owner's Lightning withdrawal. */
    public static final String KIND = "owner_ln";
    private final DataSource ds;
    private final Mints mints;
    private final LnurlClient lnurl;
    private final Melter melter;

    OwnerMelts(DataSource ds, Mints mints, LnurlClient lnurl, Melter melter) {
        this.ds = ds;
        this.mints = mints;
        this.lnurl = lnurl;
        this.melter = melter;
    }

    /** The owner's check, inside the payout's transaction: may {@code needMsat} leave the wallet? Throws if not. */
    @FunctionalInterface
    public interface Guard {
        void check(Connection c, long needMsat) throws SQLException;
    }

    /** A melt quote at a mint and what claiming proofs for it needs. */
    public record Quote(String mint, MeltQuoteResponse melt, Map<String, Long> fees, MintKeyset keyset) {
        /** Amount plus fee reserve, in sat: what the proofs must cover (any unused reserve comes back as change). */
        public long needSat() {
            return melt.amount() + melt.feeReserve();
        }
    }

    /** Quotes paying {@code destination} from {@code mint}; {@code amountSat} is required for an address, optional for an invoice. */
    public Quote quote(String destination, Optional<Long> amountSat, String mint) {
        if (!mints.isTrusted(mint)) {
            throw field("mint_url", "untrusted_mint", "mint_url is not one of the trusted mints");
        }
        String bolt11;
        if (isInvoice(destination)) {
            bolt11 = destination;
        } else {
            long sat = amountSat.orElseThrow(() -> field("amount", "invalid_amount", "amount (sat) is required for a Lightning address"));
            try {
                bolt11 = lnurl.invoice(destination, sat * 1000);
            } catch (LnurlClient.LnurlException e) {
                throw field("destination", "lightning_address_failed", "Lightning address: " + e.getMessage());
            }
        }
        MeltQuoteResponse q;
        try {
            q = mints.wallet(mint).client().createMeltQuote(new MeltQuoteRequest(bolt11, "sat"));
        } catch (MintRejectedException e) {
            throw field("destination", "invoice_refused", "The mint refused the invoice: " + e.kind());
        } catch (MintException e) {
            throw ApiException.unavailable("mint_unavailable", "The mint is unreachable for a melt quote");
        }
        if (amountSat.isPresent() && q.amount() != amountSat.get()) {
            throw field("amount", "amount_mismatch", "amount " + amountSat.get() + " differs from the invoice's " + q.amount() + " sat");
        }
        return new Quote(mint, q, mints.feesPpk(mint), mints.activeKeyset(mint, "sat"));
    }

    /**
     * Pays the quote as payout {@code id} (once: a repeat of the id returns the row the first call made) and returns its row:
     * issued (paid, fee known), pending (outcome unknown: recovery resolves it) or failed (the proofs are back).
     */
    public Issued pay(String id, String destination, Quote q, Guard guard) {
        Optional<Operation> op = Db.inTransaction(ds, c -> {
            guard.check(c, q.needSat() * 1000);
            if (!OutRepository.insert(c, id, KIND, null, "sat", q.mint(), mints.lease())) {
                return Optional.<Operation>empty();
            }
            OutRepository.amounts(c, id, 0, q.melt().amount());
            OutRepository.recipient(c, id, destination);
            Optional<Operation> claimed = melter.claim(c, id, q.mint(), q.melt(), q.fees(), q.keyset());
            if (claimed.isEmpty()) {
                throw ApiException.badRequest("insufficient_owner_balance",
                        "The wallet's proofs at " + q.mint() + " do not cover " + q.needSat() + " sat (amount and fee reserve)");
            }
            return claimed;
        });
        op.ifPresent(o -> melter.melt(o, q.melt()));
        return find(id).orElseThrow();
    }

    public Optional<Issued> find(String id) {
        return Db.withConnection(ds, c -> OutRepository.find(c, id));
    }

    static boolean isInvoice(String destination) {
        String d = destination.toLowerCase(Locale.ROOT);
        return d.startsWith("lnbc") || d.startsWith("lntb") || d.startsWith("lnsb");
    }

    private static ApiException field(String name, String code, String message) {
        return new ApiException(400, "invalid_request_error", code, message, Map.of("field", name));
    }
}
