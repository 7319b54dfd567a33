package org.routstr.wallet.mint;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import org.routstr.common.db.Db;
import org.routstr.crypto.cashu.InsufficientFundsException;
import org.routstr.crypto.cashu.Outputs;
import org.routstr.crypto.cashu.ProofSelector;
import org.routstr.crypto.cashu.client.CashuWallet;
import org.routstr.crypto.cashu.client.MintException;
import org.routstr.crypto.cashu.client.MintRejectedException;
import org.routstr.crypto.cashu.client.MintUnreachableException;
import org.routstr.crypto.cashu.nut00.Proof;
import org.routstr.crypto.cashu.nut01.MintKeyset;
import org.routstr.crypto.cashu.nut05.MeltQuoteRequest;
import org.routstr.crypto.cashu.nut05.MeltQuoteResponse;
import org.routstr.crypto.cashu.nut05.MeltQuoteState;
import org.routstr.crypto.cashu.nut08.BlankOutputs;

/**
 * Pays a debited payout to a Lightning address: the invoice is for the amount minus a fee budget
 * (max(1 %, 2) + 1 sat, like the reference), our proofs are claimed and NUT-08 blank outputs get reserved counters before
 * the melt, so a lost answer is settled from the melt quote's state and a restore of the fee change. The operator's own
 * Lightning withdrawals ({@link OwnerMelts}) melt the same way.
 */
final class Melter {
    private static final System.Logger LOG = System.getLogger(Melter.class.getName());

    private final DataSource ds;
    private final Mints mints;
    private final LnurlClient lnurl;
    private final Sender sender;

    Melter(DataSource ds, Mints mints, LnurlClient lnurl, Sender sender) {
        this.ds = ds;
        this.mints = mints;
        this.lnurl = lnurl;
        this.sender = sender;
    }

    void pay(Issued row, String address) {
        long budget = Math.max((row.amount() + 99) / 100, 2) + 1;
        long invoiceSats = row.amount() - budget;
        if (invoiceSats <= 0) {
            sender.giveBack(row, "amount too small for a Lightning payment");
            return;
        }
        try {
            String bolt11 = lnurl.invoice(address, invoiceSats * 1000);
            CashuWallet w = mints.wallet(row.mintUrl());
            MeltQuoteResponse quote = w.client().createMeltQuote(new MeltQuoteRequest(bolt11, "sat"));
            if (quote.amount() + quote.feeReserve() > row.amount()) {
                sender.giveBack(row, "Lightning fees exceed the amount");
                return;
            }
            Optional<Operation> op = sender.claimWaiting(row.mintUrl(), "sat", quote.amount() + quote.feeReserve(),
                    shortOk -> claim(row, quote));
            if (op.isEmpty()) {
                sender.giveBack(row, "insufficient wallet funds");
                return;
            }
            melt(op.get(), quote);
        } catch (LnurlClient.LnurlException e) {
            sender.giveBack(row, "lightning address: " + e.getMessage());
        } catch (MintException e) {
            sender.giveBack(row, "mint unavailable for the melt quote");
        }
    }

    private Optional<Operation> claim(Issued row, MeltQuoteResponse quote) {
        Map<String, Long> fees = mints.feesPpk(row.mintUrl());
        MintKeyset active = mints.activeKeyset(row.mintUrl(), "sat");
        return Db.inTransaction(ds, c -> claim(c, row.id(), row.mintUrl(), quote, fees, active));
    }

    /** Claims proofs covering the quote's amount and fee reserve for payout {@code rowId}, in the caller's transaction. */
    Optional<Operation> claim(Connection c, String rowId, String mint, MeltQuoteResponse quote, Map<String, Long> fees,
                              MintKeyset active) throws SQLException {
        long need = quote.amount() + quote.feeReserve();
        Optional<ProofSelector.Selection> chosen = ProofRepository.lockLargest(c, mint, "sat", available -> {
            try {
                return Optional.of(ProofSelector.select(available, need, k -> fees.getOrDefault(k, 0L)));
            } catch (InsufficientFundsException e) {
                return Optional.empty();
            }
        });
        if (chosen.isEmpty()) {
            return Optional.empty();
        }
        ProofSelector.Selection sel = chosen.get();
        int blanks = Math.max(BlankOutputs.count(sel.total() - sel.fee() - quote.amount()), 1);
        List<Long> amounts = Outputs.blankAmounts(blanks);
        long start = ProofRepository.reserveCounters(c, mint, active.id(), blanks);
        Operation op = new Operation(UUID.randomUUID(), "melt", mint, "sat", active.id(), start, amounts, 0,
                sel.proofs(), Optional.empty(), Optional.of(quote.quote()), Optional.empty());
        ProofRepository.insertOperation(c, op, mints.lease());
        ProofRepository.setState(c, sel.proofs(), "unspent", "pending", op.id());
        OutRepository.operation(c, rowId, op.id(), mint);
        return Optional.of(op);
    }

    void melt(Operation op, MeltQuoteResponse quote) {
        CashuWallet w = mints.wallet(op.mintUrl());
        try {
            CashuWallet.MeltResult r = w.melt(quote, op.inputs(),
                    Outputs.deterministic(mints.seed(), op.keysetId(), op.counterStart(), op.amounts()));
            if (r.quote().state() == MeltQuoteState.PAID) {
                complete(op, r.change());
            } else {
                resolve(op);
            }
        } catch (MintRejectedException e) {
            LOG.log(Level.WARNING, "melt refused op=" + op.id() + ": " + e.kind());
            sender.fail(op, e.kind() == org.routstr.crypto.cashu.client.MintErrorKind.PROOFS_ALREADY_SPENT);
        } catch (MintUnreachableException e) {
            if (e.mayHaveBeenProcessed()) {
                resolve(op);
            } else {
                sender.fail(op, false);
            }
        } catch (MintException e) {
            resolve(op);
        }
    }

    /** A melt whose answer was lost: PAID → keep the debit and restore the fee change; UNPAID → give the money back. */
    void resolve(Operation op) {
        CashuWallet w = mints.wallet(op.mintUrl());
        try {
            MeltQuoteState state = w.client().meltQuote(op.meltQuoteId().orElseThrow()).state();
            if (state == MeltQuoteState.PAID) {
                complete(op, RestoreSupport.found(RestoreSupport.restore(w, mints.seed(), op)));
            } else if (state == MeltQuoteState.UNPAID) {
                sender.fail(op, false);
            }
        } catch (MintException e) {
            LOG.log(Level.WARNING, "melt still unresolved op=" + op.id());
        }
    }

    private void complete(Operation op, List<Proof> change) {
        Db.inTransaction(ds, c -> {
            Optional<Issued> row = OutRepository.byOperation(c, op.id());
            if (!ProofRepository.finish(c, op.id(), true, null)) {
                return null;
            }
            ProofRepository.setState(c, op.inputs(), "pending", "spent", op.id());
            ProofRepository.insertProofs(c, op.mintUrl(), op.unit(), change, op.id());
            if (row.isPresent() && row.get().kind().equals(OwnerMelts.KIND)) {
                // the operator's melt: the invoice was the amount; what the inputs lost beyond it is the fee
                long fee = sum(op.inputs()) - sum(change) - row.get().amount();
                OutRepository.issued(c, row.get().id(), null, row.get().amount());
                OutRepository.fee(c, row.get().id(), fee);
            } else if (row.isPresent()) {
                long paid = row.get().amount() - (Math.max((row.get().amount() + 99) / 100, 2) + 1);
                OutRepository.issued(c, row.get().id(), null, paid);
            }
            return null;
        });
    }

    private static long sum(List<Proof> proofs) {
        return proofs.stream().mapToLong(Proof::amount).sum();
    }
}
