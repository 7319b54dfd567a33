package org.routstr.wallet.mint;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.ToLongFunction;

import javax.sql.DataSource;

import org.routstr.common.db.Db;
import org.routstr.common.http.ApiException;
import org.routstr.crypto.cashu.Amounts;
import org.routstr.crypto.cashu.InsufficientFundsException;
import org.routstr.crypto.cashu.Outputs;
import org.routstr.crypto.cashu.ProofSelector;
import org.routstr.crypto.cashu.client.CashuWallet;
import org.routstr.crypto.cashu.client.MintException;
import org.routstr.crypto.cashu.client.MintRejectedException;
import org.routstr.crypto.cashu.client.MintUnreachableException;
import org.routstr.crypto.cashu.nut00.Proof;
import org.routstr.crypto.cashu.nut00.Token;
import org.routstr.crypto.cashu.nut00.TokenCodec;
import org.routstr.crypto.cashu.nut01.MintKeyset;
import org.routstr.crypto.cashu.nut07.ProofStateValue;
import org.routstr.ledger.DebitKind;
import org.routstr.ledger.DebitResult;
import org.routstr.ledger.Ledger;
import org.routstr.wallet.metrics.WalletMetrics;

/**
 * Pays users out in ecash: the debit and the leased issued-token row commit together (idempotency key = the row id),
 * then our proofs are claimed (state CAS) and swapped into a token of the whole amount plus change with NUT-13 outputs
 * (the swap fee is the node's); the token is stored before anyone sees it. A definite mint failure gives the money back;
 * an unknown outcome, a crash or an exception before the mint operation is recorded waits for recovery.
 */
public final class Sender {
    private static final System.Logger LOG = System.getLogger(Sender.class.getName());
    private static final long CLAIM_WAIT_MILLIS = 5_000;

    private final DataSource ds;
    private final Ledger ledger;
    private final Mints mints;
    private final LnurlClient lnurl;

    public Sender(DataSource ds, Ledger ledger, Mints mints) {
        this.ds = ds;
        this.ledger = ledger;
        this.mints = mints;
        this.lnurl = new LnurlClient(mints.guard());
    }

    Melter melter() {
        return new Melter(ds, mints, lnurl, this);
    }

    /** The operator's Lightning withdrawals. */
    public OwnerMelts ownerMelts() {
        return new OwnerMelts(ds, mints, lnurl, melter());
    }

    public String primaryMint() {
        return mints.primary();
    }

    public Optional<Issued> find(String id) {
        return Db.withConnection(ds, c -> OutRepository.find(c, id));
    }

    public Optional<Issued> latest(String accountHash, String kind) {
        return Db.withConnection(ds, c -> OutRepository.latest(c, accountHash, kind));
    }

    /** How many payouts of a kind an account has had (failed ones included). */
    public long count(String accountHash, String kind) {
        return Db.withConnection(ds, c -> {
            try (var ps = c.prepareStatement("SELECT count(*) FROM wallet_tokens_out WHERE account_hash = ? AND kind = ?")) {
                ps.setString(1, accountHash);
                ps.setString(2, kind);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /**
     * Debits an account (everything available when {@code msat} is empty) and issues the money as a token; the same
     * {@code id} again returns the first result. Empty when there was nothing to pay out.
     */
    public Optional<Issued> payOut(String id, String kind, String accountHash, Optional<Long> msat, String unit, String mint) {
        return payOut(id, kind, accountHash, msat, unit, mint, Optional.empty());
    }

    /** Like {@link #payOut(String, String, String, Optional, String, String)}, paid to a Lightning address when given. */
    public Optional<Issued> payOut(String id, String kind, String accountHash, Optional<Long> msat, String unit, String mint,
                                   Optional<String> lightningAddress) {
        Optional<Issued> prior = find(id);
        if (prior.isPresent()) {
            return prior;
        }
        String payUnit = lightningAddress.isPresent() ? "sat" : unit;
        Optional<Long> take = payUnit.equals("sat") ? Optional.of(wholeSats(accountHash, msat)) : msat;
        if (take.isPresent() && take.get() <= 0) {
            return Optional.empty();
        }
        boolean debited = Db.inTransaction(ds, c -> {
            if (!OutRepository.insert(c, id, kind, accountHash, payUnit, mint, mints.lease())) {
                return false;
            }
            DebitResult r = ledger.debit(c, accountHash, take, kind.equals("withdrawal") ? DebitKind.WITHDRAWAL : DebitKind.REFUND,
                    "out:" + id, kind);
            long taken = switch (r) {
                case DebitResult.Debited d -> d.msat();
                case DebitResult.Duplicate d -> d.msat();
                case DebitResult.Insufficient i -> 0L;
            };
            long amount = payUnit.equals("msat") ? taken : taken / 1000;
            if (amount <= 0) {
                c.rollback();
                return false;
            }
            OutRepository.amounts(c, id, taken, amount);
            if (lightningAddress.isPresent()) {
                OutRepository.recipient(c, id, lightningAddress.get());
            }
            return true;
        });
        if (!debited) {
            return find(id);
        }
        deliver(find(id).orElseThrow());
        Optional<Issued> out = find(id);
        out.ifPresent(i -> WalletMetrics.payout(mints.label(i.mintUrl()), i.state(), i.debitedMsat()));
        return out;
    }

    /** Drives a debited payout to its mint: a token, or a melt to its Lightning address. */
    private void deliver(Issued row) {
        try {
            if (row.recipient().isPresent()) {
                melter().pay(row, row.recipient().get());
            } else {
                issue(row.id());
            }
        } catch (RuntimeException e) {
            // the debit and the leased row are committed: recovery finishes this payout once the lease runs out
            LOG.log(Level.ERROR, "payout " + row.kind() + " left to recovery: " + e);
        }
    }

    /** Finishes one payout whose replica stopped between debit and mint operation; false when there was none. */
    boolean recoverStalled() {
        Optional<Issued> row = Db.withConnection(ds, c -> OutRepository.claimStalled(c, mints.lease()));
        row.ifPresent(r -> {
            LOG.log(Level.INFO, "recovering stalled payout " + r.kind());
            deliver(r);
        });
        return row.isPresent();
    }

    /**
     * What a sat payout debits: whole sats only, so the sub-sat remainder stays on the account (Routstr Core debited it all
     * and let the node keep the remainder).
     */
    private long wholeSats(String accountHash, Optional<Long> msat) {
        long want = msat.orElseGet(() -> ledger.account(accountHash).map(a -> a.availableMsat()).orElse(0L));
        return want / 1000 * 1000;
    }

    /** Issues a token for the owner, taken from proofs only (no account). */
    public Issued ownerToken(String id, long amount, String unit, String mint) {
        Db.inTransaction(ds, c -> {
            OutRepository.insert(c, id, "owner", null, unit, mint, mints.lease());
            OutRepository.amounts(c, id, 0, amount);
            return null;
        });
        issue(id);
        return find(id).orElseThrow();
    }

    private void issue(String id) {
        Issued row = find(id).orElseThrow();
        List<String> candidates = new ArrayList<>();
        candidates.add(row.mintUrl());
        mints.trusted().stream().filter(m -> !m.equals(row.mintUrl())).forEach(candidates::add);
        for (String mint : candidates) {
            Optional<Operation> op;
            try {
                op = claimWaiting(mint, row.unit(), row.amount(), shortOk -> claim(row, mint, shortOk));
            } catch (RuntimeException e) {
                // claim is one transaction that rolled back: nothing went to this mint, so the next one may pay
                LOG.log(Level.WARNING, "mint " + mint + " unusable for payout: " + e.getMessage());
                continue;
            }
            if (op.isPresent()) {
                swap(op.get());
                return;
            }
        }
        giveBack(row, "insufficient wallet funds or no reachable mint");
    }

    /**
     * Runs a claim at one mint, exact amounts only ({@code claim.apply(false)}); while it finds too little but proofs
     * other payouts hold in flight (whose change comes back within a swap) could still cover {@code need}, tries again
     * for up to {@link #CLAIM_WAIT_MILLIS}. Only then one last claim may make the send smaller ({@code claim.apply(true)}),
     * so a payout is never cut short just because another one held the proofs at that moment.
     */
    Optional<Operation> claimWaiting(String mint, String unit, long need, Function<Boolean, Optional<Operation>> claim) {
        long deadline = System.currentTimeMillis() + CLAIM_WAIT_MILLIS;
        while (true) {
            Optional<Operation> op = claim.apply(false);
            if (op.isPresent()) {
                return op;
            }
            if (System.currentTimeMillis() > deadline
                    || !Db.withConnection(ds, c -> ProofRepository.coverableWithInFlight(c, mint, unit, need))) {
                return claim.apply(true);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return claim.apply(true);
            }
        }
    }

    /** Claims our proofs for a payout at one mint; empty when that mint's proofs do not cover it. */
    private Optional<Operation> claim(Issued row, String mint, boolean shortOk) {
        Map<String, Long> fees = mints.feesPpk(mint);
        MintKeyset active = mints.activeKeyset(mint, row.unit());
        return Db.inTransaction(ds, c -> {
            Optional<Split> split = ProofRepository.lockLargest(c, mint, row.unit(),
                    available -> split(available, row.amount(), k -> fees.getOrDefault(k, 0L), shortOk));
            if (split.isEmpty()) {
                return Optional.<Operation>empty();
            }
            ProofSelector.Selection sel = split.get().selection();
            List<Long> sendAmounts = Amounts.split(split.get().send());
            List<Long> amounts = new ArrayList<>(sendAmounts);
            amounts.addAll(Amounts.split(sel.change(split.get().send())));
            long start = ProofRepository.reserveCounters(c, mint, active.id(), amounts.size());
            Operation op = new Operation(UUID.randomUUID(), "send", mint, row.unit(), active.id(), start, amounts,
                    sendAmounts.size(), sel.proofs(), Optional.empty(), Optional.empty(), Optional.empty());
            ProofRepository.insertOperation(c, op, mints.lease());
            if (ProofRepository.setState(c, sel.proofs(), "unspent", "pending", op.id()) != sel.proofs().size()) {
                throw new IllegalStateException("proof claim lost a race inside a locked transaction");
            }
            OutRepository.operation(c, row.id(), op.id(), mint);
            return Optional.of(op);
        });
    }

    private record Split(ProofSelector.Selection selection, long send) {
    }

    /**
     * The recipient gets the whole amount and the swap's input fee is the node's, paid from its own share of the proofs.
     * Only when this mint holds no such share is the send made as much smaller as needed (at most 63 units), rather than
     * failing a payout the proofs can nearly pay.
     */
    private static Optional<Split> split(List<Proof> available, long amount, ToLongFunction<String> fees, boolean shortOk) {
        for (long shortBy = 0; shortBy < (shortOk ? Math.min(amount, 64) : 1); shortBy++) {
            try {
                return Optional.of(new Split(ProofSelector.select(available, amount - shortBy, fees), amount - shortBy));
            } catch (InsufficientFundsException e) {
                // try a smaller send
            }
        }
        return Optional.empty();
    }

    private void swap(Operation op) {
        CashuWallet w = mints.wallet(op.mintUrl());
        try {
            List<Proof> out = w.swap(op.inputs(), Outputs.deterministic(mints.seed(), op.keysetId(), op.counterStart(), op.amounts()));
            complete(op, out);
        } catch (MintRejectedException e) {
            if (e.kind() == org.routstr.crypto.cashu.client.MintErrorKind.OUTPUTS_ALREADY_SIGNED) {
                resolve(op);
            } else {
                LOG.log(Level.ERROR, "mint rejected a payout swap op=" + op.id() + ": " + e.kind());
                fail(op, e.kind() == org.routstr.crypto.cashu.client.MintErrorKind.PROOFS_ALREADY_SPENT);
            }
        } catch (MintUnreachableException e) {
            if (e.mayHaveBeenProcessed()) {
                resolve(op);
            } else {
                fail(op, false);
            }
        } catch (MintException e) {
            resolve(op);
        }
    }

    /** Restores a send whose answer was lost; if the mint signed nothing, looks at our inputs. */
    void resolve(Operation op) {
        CashuWallet w = mints.wallet(op.mintUrl());
        try {
            List<Proof> slots = RestoreSupport.restore(w, mints.seed(), op);
            if (slots.stream().anyMatch(p -> p != null)) {
                complete(op, slots);
                return;
            }
            var states = w.checkState(op.inputs());
            if (states.stream().allMatch(s -> s.state() == ProofStateValue.UNSPENT)) {
                fail(op, false);
            } else if (states.stream().anyMatch(s -> s.state() == ProofStateValue.SPENT)) {
                fail(op, true);
            }
        } catch (MintException e) {
            LOG.log(Level.WARNING, "payout still unresolved op=" + op.id());
        }
    }

    private void complete(Operation op, List<Proof> slots) {
        Db.inTransaction(ds, c -> {
            Optional<Issued> row = OutRepository.byOperation(c, op.id());
            if (!ProofRepository.finish(c, op.id(), true, null)) {
                return null;
            }
            ProofRepository.setState(c, op.inputs(), "pending", "spent", op.id());
            List<Proof> send = slots.subList(0, op.sendCount()).stream().filter(p -> p != null).toList();
            List<Proof> change = slots.subList(op.sendCount(), slots.size()).stream().filter(p -> p != null).toList();
            ProofRepository.insertProofs(c, op.mintUrl(), op.unit(), change, op.id());
            if (row.isPresent() && !send.isEmpty()) {
                String token = TokenCodec.encodeV4(new Token(op.mintUrl(), op.unit(), send).withoutDleq());
                OutRepository.issued(c, row.get().id(), token, send.stream().mapToLong(Proof::amount).sum());
            }
            return null;
        });
    }

    void fail(Operation op, boolean inputsSpent) {
        Optional<Issued> row = Db.inTransaction(ds, c -> {
            if (!ProofRepository.finish(c, op.id(), false, inputsSpent ? "inputs spent" : "mint refused")) {
                return Optional.<Issued>empty();
            }
            ProofRepository.setState(c, op.inputs(), "pending", inputsSpent ? "spent" : "unspent", op.id());
            return OutRepository.byOperation(c, op.id());
        });
        row.ifPresent(r -> giveBack(r, "mint refused the payout"));
    }

    void giveBack(Issued row, String why) {
        Db.inTransaction(ds, c -> {
            if (OutRepository.failed(c, row.id(), why) && row.accountHash().isPresent() && row.debitedMsat() > 0) {
                ledger.credit(c, row.accountHash().get(), row.debitedMsat(), "out-revert:" + row.id(), "payout failed: " + why);
            }
            return null;
        });
    }

    /** The error a failed payout shows its caller. */
    public static ApiException failure(Issued row) {
        return ApiException.unavailable("refund_failed", "Refund failed; the balance was restored. Please retry later.");
    }
}
