package org.routstr.wallet.mint;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import org.routstr.common.db.Db;
import org.routstr.common.http.ApiException;
import org.routstr.common.keys.ApiKeys;
import org.routstr.crypto.cashu.Amounts;
import org.routstr.crypto.cashu.CashuException;
import org.routstr.crypto.cashu.Outputs;
import org.routstr.crypto.cashu.client.CashuWallet;
import org.routstr.crypto.cashu.client.MintErrorKind;
import org.routstr.crypto.cashu.client.MintException;
import org.routstr.crypto.cashu.client.MintRejectedException;
import org.routstr.crypto.cashu.client.MintUnreachableException;
import org.routstr.crypto.cashu.nut00.InvalidTokenException;
import org.routstr.crypto.cashu.nut00.Proof;
import org.routstr.crypto.cashu.nut00.Token;
import org.routstr.crypto.cashu.nut00.TokenCodec;
import org.routstr.crypto.cashu.nut01.MintKeyset;
import org.routstr.crypto.cashu.nut07.ProofState;
import org.routstr.crypto.cashu.nut07.ProofStateValue;
import org.routstr.ledger.Ledger;
import org.routstr.wallet.metrics.WalletMetrics;

/**
 * Redeems tokens exactly once: the token's row and the NUT-13 counters of the new outputs are committed before the swap,
 * so any outcome (answer, rejection, timeout, crash) is resolved by restore and state check, never guessed; the credit
 * (idempotency key {@code cashu-in:<sha256>}) happens in the transaction that stores the new proofs.
 */
public final class Receiver {
    private static final System.Logger LOG = System.getLogger(Receiver.class.getName());
    private static final long WAIT_MILLIS = 15_000;

    private final DataSource ds;
    private final Ledger ledger;
    private final Mints mints;
    private final ForeignSwap foreign;
    private final LnurlClient lnurl;

    public Receiver(DataSource ds, Ledger ledger, Mints mints) {
        this.ds = ds;
        this.ledger = ledger;
        this.mints = mints;
        this.foreign = new ForeignSwap(ds, mints, this);
        this.lnurl = new LnurlClient(mints.guard());
    }

    public String primaryMint() {
        return mints.primary();
    }

    ForeignSwap foreign() {
        return foreign;
    }

    /** Who gets the money: purpose create | bearer | x-cashu | topup, the account, its settings, a new key to return. */
    public record Target(String purpose, String accountHash, Optional<AccountSpec> spec, Optional<String> newKey) {
    }

    /** A credited token: the account, what it received, the key (create only), whether this call did the credit. */
    public record Received(String accountHash, long creditedMsat, Optional<String> apiKey, boolean fresh) {
    }

    /** The account key hash a token pays when it is used as a key itself (bearer, X-Cashu). */
    public static String tokenHash(String token) {
        return ApiKeys.hash(clean(token));
    }

    /** The account a token already credited as a key (bearer, X-Cashu) pays, without redeeming anything. */
    public Optional<String> accountOf(String rawToken) {
        String hash = tokenHash(rawToken);
        return Db.withConnection(ds, c -> TokenRepository.find(c, hash, false))
                .filter(t -> t.state().equals("credited") && isKeyUse(t.purpose())).map(TokenIn::accountHash);
    }

    /**
     * A refund address the guard would refuse at payout is refused now, before the token is redeemed: otherwise the key's
     * refund fails later with a 5xx, after money moved out and back. One answer for every refused host.
     */
    private void checkRefundAddress(String address) {
        try {
            lnurl.endpoint(address);
        } catch (LnurlClient.LnurlException e) {
            throw org.routstr.common.http.ApiException.badRequest("invalid_refund_address", "Refund address refused: " + e.getMessage());
        }
    }

    /** Redeems a token once for the target (a replay of the same token finds the first result). */
    public Received receive(String rawToken, Target target) {
        String token = clean(rawToken);
        Token t = decode(token);
        target.spec().map(AccountSpec::refundAddress).ifPresent(this::checkRefundAddress);
        String mint = mints.label(t.mint());
        try {
            return receive(token, t, target, mint);
        } catch (ApiException e) {
            WalletMetrics.redemption(mint, e.code(), 0);
            throw e;
        }
    }

    private Received receive(String token, Token t, Target target, String mint) {
        String hash = ApiKeys.hash(token);
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        while (true) {
            Optional<TokenIn> prior = Db.withConnection(ds, c -> TokenRepository.find(c, hash, false));
            if (prior.isPresent() && !prior.get().state().equals("failed")) {
                if (prior.get().state().equals("credited")) {
                    Received r = replay(prior.get(), token, target);
                    WalletMetrics.redemption(mint, "replay", 0);
                    return r;
                }
                if (System.currentTimeMillis() > deadline) {
                    throw RedeemErrors.of("cashu_redemption_pending");
                }
                prior.get().operationId().ifPresent(this::resolveIfAbandoned);
                sleep();
                continue;
            }
            if (prior.isPresent() && prior.get().terminal()) {
                throw RedeemErrors.of(prior.get().errorCode().orElse("cashu_token_redemption_failed"));
            }
            Optional<Received> done = start(t, token, hash, target);
            if (done.isPresent()) {
                WalletMetrics.redemption(mint, "ok", done.get().creditedMsat());
                return done.get();
            }
        }
    }

    /** Starts a redemption; empty when another request of the same token got there first. */
    private Optional<Received> start(Token t, String token, String hash, Target target) {
        if (!t.unit().equals("sat") && !t.unit().equals("msat")) {
            throw RedeemErrors.of("cashu_token_unsupported_unit");
        }
        target.spec().map(AccountSpec::refundUnit).ifPresent(u -> {
            if (target.purpose().equals("topup") && u != null && !u.equals(t.unit())) {
                throw RedeemErrors.of("cashu_token_wrong_unit");
            }
        });
        if (!mints.isTrusted(t.mint())) {
            if (!mints.foreignAllowed() || !t.unit().equals("sat")) {
                throw RedeemErrors.of("cashu_mint_not_trusted");
            }
            return foreign.receive(t, token, hash, target);
        }
        CashuWallet w = mints.wallet(t.mint());
        MintKeyset active;
        List<Long> amounts;
        try {
            w.verifyToken(t);
            active = mints.activeKeyset(t.mint(), t.unit());
            long net = t.amount() - mints.inputFee(t.mint(), t.proofs());
            if (net <= 0) {
                throw RedeemErrors.of("cashu_token_swap_fees_exceed_amount");
            }
            amounts = Amounts.split(net);
        } catch (MintUnreachableException e) {
            throw RedeemErrors.of("cashu_mint_unreachable");
        } catch (MintRejectedException e) {
            throw RedeemErrors.of(e.kind() == MintErrorKind.KEYSET_UNKNOWN ? "invalid_cashu_token" : "cashu_token_redemption_failed");
        } catch (MintException e) {
            throw RedeemErrors.of("cashu_mint_unreachable");
        } catch (CashuException e) {
            throw RedeemErrors.of(e.getMessage().contains("no active keyset") ? "cashu_token_unsupported_unit" : "invalid_cashu_token");
        }
        Optional<Operation> op = Db.inTransaction(ds, c -> {
            long start = ProofRepository.reserveCounters(c, t.mint(), active.id(), amounts.size());
            Operation o = new Operation(UUID.randomUUID(), "receive", t.mint(), t.unit(), active.id(), start, amounts, 0,
                    t.proofs(), Optional.empty(), Optional.empty(), Optional.empty());
            ProofRepository.insertOperation(c, o, mints.lease());
            if (!TokenRepository.insertPending(c, pending(t, token, hash, target, o.id()))) {
                c.rollback();
                return Optional.<Operation>empty();
            }
            return Optional.of(o);
        });
        if (op.isEmpty()) {
            return Optional.empty();
        }
        swap(w, op.get());
        return Optional.of(outcome(hash, token));
    }

    private void swap(CashuWallet w, Operation op) {
        try {
            List<Proof> fresh = w.swap(op.inputs(), Outputs.deterministic(mints.seed(), op.keysetId(), op.counterStart(), op.amounts()));
            complete(op, fresh);
        } catch (MintRejectedException e) {
            switch (e.kind()) {
                case PROOFS_ALREADY_SPENT -> fail(op, "cashu_token_already_spent");
                case PROOF_VERIFICATION_FAILED, KEYSET_UNKNOWN, DUPLICATE_INPUTS -> fail(op, "invalid_cashu_token");
                case TRANSACTION_UNBALANCED, KEYSET_INACTIVE, UNIT_ERROR -> fail(op, "cashu_token_redemption_failed");
                default -> resolveOrAbandon(op);
            }
        } catch (MintUnreachableException e) {
            if (e.mayHaveBeenProcessed()) {
                LOG.log(Level.WARNING, "swap outcome unknown, resolving by restore and state check op=" + op.id());
                resolveOrAbandon(op);
            } else {
                fail(op, "cashu_mint_unreachable");
            }
        } catch (MintException e) {
            resolveOrAbandon(op);
        }
    }

    private void resolveOrAbandon(Operation op) {
        if (!resolve(op)) {
            abandon(op);
        }
    }

    /** A retry of a token whose redemption was left unresolved (mint down) resolves it now instead of waiting for recovery. */
    private void resolveIfAbandoned(UUID opId) {
        Db.withConnection(ds, c -> ProofRepository.claimIfExpired(c, opId, mints.lease())).ifPresent(op -> {
            if (op.kind().equals("foreign")) {
                foreign.resolve(op);
            } else if (!resolve(op)) {
                abandon(op);
            }
        });
    }

    private void abandon(Operation op) {
        Db.withConnection(ds, c -> {
            ProofRepository.expireLease(c, op.id());
            return null;
        });
    }

    /**
     * Settles an operation whose answer was lost: restore (NUT-09) what the mint signed, else look at the inputs (NUT-07).
     * False when the mint cannot tell yet.
     */
    boolean resolve(Operation op) {
        CashuWallet w = mints.wallet(op.mintUrl());
        try {
            List<Proof> found = RestoreSupport.found(RestoreSupport.restore(w, mints.seed(), op));
            if (!found.isEmpty()) {
                complete(op, found);
                return true;
            }
            List<ProofState> states = w.checkState(op.inputs());
            if (states.stream().anyMatch(s -> s.state() == ProofStateValue.SPENT)) {
                fail(op, "cashu_token_already_spent");
                return true;
            } else if (states.stream().allMatch(s -> s.state() == ProofStateValue.UNSPENT)) {
                fail(op, "cashu_mint_unreachable");
                return true;
            }
            return false;
        } catch (MintException e) {
            LOG.log(Level.WARNING, "mint still unreachable, operation stays open op=" + op.id());
            return false;
        }
    }

    /** Stores the new proofs, opens the account and credits it, in one transaction; a second completion changes nothing. */
    void complete(Operation op, List<Proof> fresh) {
        Db.inTransaction(ds, c -> {
            Optional<TokenIn> row = TokenRepository.byOperation(c, op.id());
            if (!ProofRepository.finish(c, op.id(), true, null) || row.isEmpty()) {
                return null;
            }
            ProofRepository.insertProofs(c, op.mintUrl(), op.unit(), fresh, op.id());
            credit(c, row.get(), fresh.stream().mapToLong(Proof::amount).sum(), op.unit());
            return null;
        });
    }

    void credit(Connection c, TokenIn row, long amount, String unit) throws SQLException {
        long msat = unit.equals("msat") ? amount : Math.multiplyExact(amount, 1000L);
        long faceMsat = row.unit().equals("msat") ? row.face() : row.face() * 1000L;
        if (msat <= 0) {
            TokenRepository.failed(c, row.tokenHash(), "cashu_token_zero_value");
            return;
        }
        if (row.purpose().equals("donate")) {
            // a donation pays no key: its proofs are the owner's share (proofs minus every key's balance)
            TokenRepository.credited(c, row.tokenHash(), msat, Math.max(0, faceMsat - msat));
            return;
        }
        ledger.open(c, row.spec().orElse(AccountSpec.plain(row.mintUrl(), row.unit())).toAccount(row.accountHash()));
        ledger.credit(c, row.accountHash(), msat, "cashu-in:" + row.tokenHash(), row.purpose() + " token");
        TokenRepository.credited(c, row.tokenHash(), msat, Math.max(0, faceMsat - msat));
    }

    void fail(Operation op, String code) {
        Db.inTransaction(ds, c -> {
            Optional<TokenIn> row = TokenRepository.byOperation(c, op.id());
            if (ProofRepository.finish(c, op.id(), false, code) && row.isPresent()) {
                TokenRepository.failed(c, row.get().tokenHash(), code);
            }
            return null;
        });
    }

    Received outcome(String hash, String token) {
        TokenIn row = Db.withConnection(ds, c -> TokenRepository.find(c, hash, false)).orElseThrow();
        return switch (row.state()) {
            case "credited" -> new Received(row.accountHash(), row.creditedMsat(), unwrap(row, token), true);
            case "failed" -> throw RedeemErrors.of(row.errorCode().orElse("cashu_token_redemption_failed"));
            default -> throw RedeemErrors.of("cashu_redemption_pending");
        };
    }

    private Received replay(TokenIn row, String token, Target target) {
        boolean sameUse = row.purpose().equals(target.purpose())
                && (target.purpose().equals("create") || row.accountHash().equals(target.accountHash()));
        boolean keyUse = isKeyUse(row.purpose()) && isKeyUse(target.purpose());
        if (!sameUse && !keyUse) {
            throw RedeemErrors.of("cashu_token_already_spent");
        }
        return new Received(row.accountHash(), row.creditedMsat(), unwrap(row, token), false);
    }

    private static boolean isKeyUse(String purpose) {
        return purpose.equals("bearer") || purpose.equals("x-cashu");
    }

    private static Optional<String> unwrap(TokenIn row, String token) {
        return row.wrappedKey().map(w -> KeyWrap.unwrap(token, w));
    }

    TokenIn pending(Token t, String token, String hash, Target target, UUID op) {
        AccountSpec spec = target.spec().orElse(AccountSpec.plain(t.mint(), t.unit()));
        if (spec.refundMintUrl() == null) {
            spec = spec.withRefundMint(mints.isTrusted(t.mint()) ? t.mint() : mints.primary(), t.unit());
        }
        return new TokenIn(hash, target.purpose(), "pending", target.accountHash(), Optional.of(spec),
                target.newKey().map(k -> KeyWrap.wrap(token, k)), t.mint(), t.unit(), t.amount(), 0, Optional.empty(), false,
                Optional.of(op));
    }

    private static Token decode(String token) {
        try {
            return TokenCodec.decode(token);
        } catch (InvalidTokenException e) {
            throw RedeemErrors.of(e.reason() == InvalidTokenException.Reason.INVALID_AMOUNT
                    || e.reason() == InvalidTokenException.Reason.NO_PROOFS ? "cashu_token_zero_value" : "invalid_cashu_token");
        } catch (ArithmeticException e) {
            throw RedeemErrors.of("invalid_cashu_token");
        }
    }

    static String clean(String token) {
        return token == null ? "" : token.replaceAll("\\s", "");
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RedeemErrors.of("cashu_redemption_pending");
        }
    }
}
