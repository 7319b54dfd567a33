package org.routstr.wallet.mint;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import org.routstr.common.db.Db;
import org.routstr.crypto.cashu.Amounts;
import org.routstr.crypto.cashu.CashuException;
import org.routstr.crypto.cashu.Outputs;
import org.routstr.crypto.cashu.client.CashuWallet;
import org.routstr.crypto.cashu.client.MintException;
import org.routstr.crypto.cashu.client.MintRejectedException;
import org.routstr.crypto.cashu.client.MintUnreachableException;
import org.routstr.crypto.cashu.nut00.Proof;
import org.routstr.crypto.cashu.nut00.Token;
import org.routstr.crypto.cashu.nut01.MintKeyset;
import org.routstr.crypto.cashu.nut04.MintQuoteResponse;
import org.routstr.crypto.cashu.nut04.MintQuoteState;
import org.routstr.crypto.cashu.nut05.MeltQuoteRequest;
import org.routstr.crypto.cashu.nut05.MeltQuoteResponse;
import org.routstr.crypto.cashu.nut05.MeltQuoteState;
import org.routstr.crypto.cashu.nut07.ProofState;
import org.routstr.crypto.cashu.nut07.ProofStateValue;

/**
 * A token of an untrusted mint becomes ecash of the primary mint: a mint quote here, a melt of the token there paying
 * its invoice, then minting with NUT-13 outputs. The user is credited what was minted (face − Lightning fee reserve −
 * input fees); quotes and counters are stored before the melt, so a lost answer is resolved from the quote states.
 */
final class ForeignSwap {
    private static final System.Logger LOG = System.getLogger(ForeignSwap.class.getName());
    private static final int ATTEMPTS = 3;

    private final DataSource ds;
    private final Mints mints;
    private final Receiver receiver;

    ForeignSwap(DataSource ds, Mints mints, Receiver receiver) {
        this.ds = ds;
        this.mints = mints;
        this.receiver = receiver;
    }

    Optional<Receiver.Received> receive(Token t, String token, String hash, Receiver.Target target) {
        CashuWallet source;
        try {
            source = mints.wallet(t.mint());
        } catch (OutboundGuard.Refused e) {
            throw RedeemErrors.of("cashu_mint_not_allowed");
        }
        proofsUnspent(source, t);
        CashuWallet dest = mints.wallet(mints.primary());
        MintQuoteResponse quote;
        MeltQuoteResponse melt;
        MintKeyset active;
        try {
            active = mints.activeKeyset(mints.primary(), "sat");
        } catch (MintException e) {
            throw RedeemErrors.of("cashu_mint_unreachable");
        }
        try {
            long inFee = mints.inputFee(t.mint(), t.proofs());
            long amount = t.amount() - inFee;
            quote = null;
            melt = null;
            for (int i = 0; i < ATTEMPTS && amount > 0; i++) {
                quote = dest.requestMintQuote(amount, "sat");
                melt = source.client().createMeltQuote(new MeltQuoteRequest(quote.request(), "sat"));
                long over = amount + melt.feeReserve() + inFee - t.amount();
                if (over <= 0) {
                    break;
                }
                amount -= over;
                quote = null;
            }
            if (quote == null || amount <= 0) {
                throw RedeemErrors.of("cashu_token_swap_fees_exceed_amount");
            }
        } catch (MintUnreachableException e) {
            throw RedeemErrors.of("cashu_source_mint_unreachable");
        } catch (MintException e) {
            throw RedeemErrors.of("cashu_foreign_mint_swap_failed");
        } catch (CashuException e) {
            throw RedeemErrors.of("invalid_cashu_token");
        }
        MintQuoteResponse q = quote;
        MeltQuoteResponse m = melt;
        List<Long> amounts = Amounts.split(q.amount());
        Optional<Operation> op = Db.inTransaction(ds, c -> {
            long start = ProofRepository.reserveCounters(c, mints.primary(), active.id(), amounts.size());
            Operation o = new Operation(UUID.randomUUID(), "foreign", mints.primary(), "sat", active.id(), start, amounts, 0,
                    t.proofs(), Optional.of(q.quote()), Optional.of(m.quote()), Optional.of(t.mint()));
            ProofRepository.insertOperation(c, o, mints.lease());
            if (!TokenRepository.insertPending(c, receiver.pending(t, token, hash, target, o.id()))) {
                c.rollback();
                return Optional.<Operation>empty();
            }
            return Optional.of(o);
        });
        if (op.isEmpty()) {
            return Optional.empty();
        }
        run(op.get(), source, m);
        return Optional.of(receiver.outcome(hash, token));
    }

    /**
     * Nothing happens at the primary mint for a foreign token until its own mint has verified the DLEQ proofs and answered a
     * NUT-07 state check saying every proof is unspent: a fake or spent token costs the node no quote.
     */
    private static void proofsUnspent(CashuWallet source, Token t) {
        try {
            source.verifyToken(t);
            List<ProofState> states = source.checkState(t.proofs());
            if (states.size() != t.proofs().size()) {
                throw RedeemErrors.of("invalid_cashu_token");
            }
            if (states.stream().anyMatch(s -> s.state() != ProofStateValue.UNSPENT)) {
                throw RedeemErrors.of("cashu_token_already_spent");
            }
        } catch (MintUnreachableException e) {
            throw RedeemErrors.of("cashu_source_mint_unreachable");
        } catch (MintException e) {
            throw RedeemErrors.of("cashu_foreign_mint_swap_failed");
        } catch (CashuException e) {
            throw RedeemErrors.of("invalid_cashu_token");
        }
    }

    private void run(Operation op, CashuWallet source, MeltQuoteResponse melt) {
        try {
            MeltQuoteResponse paid = source.melt(melt, op.inputs(), List.of()).quote();
            if (paid.state() == MeltQuoteState.PAID) {
                mintHere(op);
            } else {
                resolve(op);
            }
        } catch (MintRejectedException e) {
            switch (e.kind()) {
                case PROOFS_ALREADY_SPENT -> receiver.fail(op, "cashu_token_already_spent");
                case PROOF_VERIFICATION_FAILED, KEYSET_UNKNOWN -> receiver.fail(op, "invalid_cashu_token");
                default -> receiver.fail(op, "cashu_foreign_mint_swap_failed");
            }
        } catch (MintUnreachableException e) {
            if (e.mayHaveBeenProcessed()) {
                resolve(op);
            } else {
                receiver.fail(op, "cashu_source_mint_unreachable");
            }
        } catch (MintException e) {
            resolve(op);
        }
    }

    private void mintHere(Operation op) {
        CashuWallet dest = mints.wallet(op.mintUrl());
        try {
            List<Proof> fresh = dest.mint(op.quoteId().orElseThrow(),
                    Outputs.deterministic(mints.seed(), op.keysetId(), op.counterStart(), op.amounts()));
            receiver.complete(op, fresh);
        } catch (MintException e) {
            resolve(op);
        }
    }

    /** Resolves from the quote states: minted → restore; paid → mint; melt unpaid → failed (the token is still good). */
    void resolve(Operation op) {
        CashuWallet dest = mints.wallet(op.mintUrl());
        try {
            MintQuoteState q = dest.client().mintQuote(op.quoteId().orElseThrow()).state();
            if (q == MintQuoteState.ISSUED) {
                receiver.complete(op, RestoreSupport.found(RestoreSupport.restore(dest, mints.seed(), op)));
                return;
            }
            MeltQuoteState melt = mints.wallet(op.sourceMint().orElseThrow()).client().meltQuote(op.meltQuoteId().orElseThrow())
                    .state();
            if (melt == MeltQuoteState.PAID || q == MintQuoteState.PAID) {
                List<Proof> fresh = dest.mint(op.quoteId().orElseThrow(),
                        Outputs.deterministic(mints.seed(), op.keysetId(), op.counterStart(), op.amounts()));
                receiver.complete(op, fresh);
            } else if (melt == MeltQuoteState.UNPAID) {
                receiver.fail(op, "cashu_foreign_mint_swap_failed");
            }
        } catch (MintRejectedException.OutputsAlreadySigned e) {
            receiver.complete(op, RestoreSupport.found(RestoreSupport.restore(dest, mints.seed(), op)));
        } catch (MintException | OutboundGuard.Refused e) {
            LOG.log(Level.WARNING, "foreign swap still unresolved op=" + op.id());
        }
    }
}
