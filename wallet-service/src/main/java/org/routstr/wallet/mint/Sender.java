package org.routstr.wallet.mint;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

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

/**
 * Pays users out in ecash: the debit and the issued-token row commit together (idempotency key = the row id), then our
 * proofs are claimed (state CAS) and swapped into a fresh token plus change with NUT-13 outputs; the token is stored
 * before anyone sees it. A definite mint failure gives the money back; an unknown outcome waits for recovery.
 */
public final class Sender {
    private static final System.Logger LOG = System.getLogger(Sender.class.getName());

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
            if (!OutRepository.insert(c, id, kind, accountHash, payUnit, mint)) {
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
        if (lightningAddress.isPresent()) {
            melter().pay(find(id).orElseThrow(), lightningAddress.get());
        } else {
            issue(id);
        }
        return find(id);
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
            OutRepository.insert(c, id, "owner", null, unit, mint);
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
            try {
                Optional<Operation> op = claim(row, mint);
                if (op.isPresent()) {
                    swap(op.get());
                    return;
                }
            } catch (MintException e) {
                LOG.log(Level.WARNING, "mint " + mint + " unavailable for payout: " + e.getMessage());
            }
        }
        giveBack(row, "insufficient wallet funds or no reachable mint");
    }

    /** Claims our proofs for a payout at one mint; empty when that mint's proofs do not cover it. */
    private Optional<Operation> claim(Issued row, String mint) {
        Map<String, Long> fees = mints.feesPpk(mint);
        MintKeyset active = mints.activeKeyset(mint, row.unit());
        return Db.inTransaction(ds, c -> {
            List<Proof> available = ProofRepository.lockUnspent(c, mint, row.unit());
            ProofSelector.Selection sel;
            try {
                sel = ProofSelector.select(available, row.amount(), k -> fees.getOrDefault(k, 0L));
            } catch (InsufficientFundsException e) {
                return Optional.<Operation>empty();
            }
            long send = row.amount() - sel.fee();
            if (send <= 0) {
                return Optional.<Operation>empty();
            }
            List<Long> sendAmounts = Amounts.split(send);
            List<Long> amounts = new ArrayList<>(sendAmounts);
            amounts.addAll(Amounts.split(sel.total() - row.amount()));
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
