package org.routstr.wallet.mint;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import org.routstr.common.db.Db;
import org.routstr.common.http.ApiException;
import org.routstr.common.keys.ApiKeys;
import org.routstr.crypto.cashu.Amounts;
import org.routstr.crypto.cashu.Outputs;
import org.routstr.crypto.cashu.client.CashuWallet;
import org.routstr.crypto.cashu.client.MintException;
import org.routstr.crypto.cashu.client.MintRejectedException;
import org.routstr.crypto.cashu.nut00.Proof;
import org.routstr.crypto.cashu.nut01.MintKeyset;
import org.routstr.crypto.cashu.nut04.MintQuoteResponse;
import org.routstr.crypto.cashu.nut04.MintQuoteState;
import org.routstr.ledger.Ledger;

/**
 * Lightning top-ups (RIP-08): a mint quote at the primary mint is the invoice; once paid, the status CAS
 * pending → settlement_pending and the NUT-13 counters commit before minting, and the credit
 * ({@code ln:<invoice>}) commits with the proofs, so an invoice credits exactly once.
 */
public final class Minter {
    private static final System.Logger LOG = System.getLogger(Minter.class.getName());
    private static final Duration EXPIRY = Duration.ofHours(1);

    private final DataSource ds;
    private final Ledger ledger;
    private final Mints mints;

    public Minter(DataSource ds, Ledger ledger, Mints mints) {
        this.ds = ds;
        this.ledger = ledger;
        this.mints = mints;
    }

    /** A new invoice: its secret id (shown once), bolt11, expiry. */
    public record Created(String invoiceId, String bolt11, Invoice invoice) {
    }

    public Created create(long sats, String purpose, String accountHash, Optional<String> newKey, Optional<AccountSpec> spec) {
        MintQuoteResponse q;
        try {
            q = mints.wallet(mints.primary()).requestMintQuote(sats, "sat");
        } catch (MintException e) {
            throw ApiException.unavailable("cashu_mint_unreachable", "Failed to create Lightning invoice: mint unavailable");
        }
        byte[] raw = new byte[32];
        new java.security.SecureRandom().nextBytes(raw);
        String id = HexFormat.of().formatHex(raw);
        Invoice inv = new Invoice(ApiKeys.hash(id), q.quote(), mints.primary(), ApiKeys.hash(q.request().strip()), sats, purpose, accountHash,
                spec, newKey.map(k -> KeyWrap.wrap(id, k)), newKey.map(k -> KeyWrap.wrap(q.request(), k)), "pending",
                Instant.now().plus(EXPIRY), Optional.empty(), Instant.now());
        Db.withConnection(ds, c -> {
            InvoiceRepository.insert(c, inv);
            return null;
        });
        return new Created(id, q.request(), inv);
    }

    public Optional<Invoice> byId(String invoiceId) {
        return Db.withConnection(ds, c -> InvoiceRepository.find(c, "id_hash", ApiKeys.hash(invoiceId)));
    }

    public Optional<Invoice> byBolt11(String bolt11) {
        return Db.withConnection(ds, c -> InvoiceRepository.find(c, "bolt11_hash", ApiKeys.hash(bolt11.strip())));
    }

    /** Checks the quote and, when paid, mints and credits; returns the invoice as it is afterwards. */
    public Invoice settle(Invoice inv) {
        if (!inv.status().equals("pending") && !inv.status().equals("expired")) {
            return reload(inv);
        }
        CashuWallet w = mints.wallet(inv.mintUrl());
        MintQuoteState state;
        try {
            state = w.client().mintQuote(inv.quoteId()).state();
        } catch (MintException e) {
            LOG.log(Level.WARNING, "mint quote check failed: " + e.getMessage());
            return inv;
        }
        if (state == MintQuoteState.UNPAID) {
            if (inv.expiresAt().plus(Duration.ofDays(1)).isBefore(Instant.now())) {
                Db.withConnection(ds, c -> InvoiceRepository.status(c, inv.idHash(), "pending", "expired", null));
            }
            return reload(inv);
        }
        MintKeyset active = mints.activeKeyset(inv.mintUrl(), "sat");
        List<Long> amounts = Amounts.split(inv.amountSats());
        Optional<Operation> op = Db.inTransaction(ds, c -> {
            long start = ProofRepository.reserveCounters(c, inv.mintUrl(), active.id(), amounts.size());
            Operation o = new Operation(UUID.randomUUID(), "mint", inv.mintUrl(), "sat", active.id(), start, amounts, 0, List.of(),
                    Optional.of(inv.quoteId()), Optional.empty(), Optional.empty());
            ProofRepository.insertOperation(c, o, mints.lease());
            if (!InvoiceRepository.status(c, inv.idHash(), inv.status(), "settlement_pending", o.id())) {
                c.rollback();
                return Optional.<Operation>empty();
            }
            return Optional.of(o);
        });
        op.ifPresent(this::mint);
        return reload(inv);
    }

    private void mint(Operation op) {
        try {
            complete(op, mints.wallet(op.mintUrl()).mint(op.quoteId().orElseThrow(),
                    Outputs.deterministic(mints.seed(), op.keysetId(), op.counterStart(), op.amounts())));
        } catch (MintRejectedException.QuoteNotPaid e) {
            unpaid(op);
        } catch (MintException e) {
            resolve(op);
        }
    }

    /** A mint call whose answer was lost: restore the outputs, or mint again if the quote was not issued. */
    void resolve(Operation op) {
        CashuWallet w = mints.wallet(op.mintUrl());
        try {
            List<Proof> found = RestoreSupport.found(RestoreSupport.restore(w, mints.seed(), op));
            if (!found.isEmpty()) {
                complete(op, found);
                return;
            }
            MintQuoteState s = w.client().mintQuote(op.quoteId().orElseThrow()).state();
            if (s == MintQuoteState.PAID) {
                mint(op);
            } else if (s == MintQuoteState.UNPAID) {
                unpaid(op);
            }
        } catch (MintException e) {
            LOG.log(Level.WARNING, "lightning mint still unresolved op=" + op.id());
        }
    }

    private void unpaid(Operation op) {
        Db.inTransaction(ds, c -> {
            Optional<Invoice> inv = InvoiceRepository.byOperation(c, op.id());
            if (ProofRepository.finish(c, op.id(), false, "quote not paid") && inv.isPresent()) {
                InvoiceRepository.status(c, inv.get().idHash(), "settlement_pending", "pending", null);
            }
            return null;
        });
    }

    private void complete(Operation op, List<Proof> fresh) {
        Db.inTransaction(ds, c -> {
            Optional<Invoice> inv = InvoiceRepository.byOperation(c, op.id());
            if (!ProofRepository.finish(c, op.id(), true, null) || inv.isEmpty()) {
                return null;
            }
            ProofRepository.insertProofs(c, op.mintUrl(), op.unit(), fresh, op.id());
            long msat = fresh.stream().mapToLong(Proof::amount).sum() * 1000L;
            Invoice i = inv.get();
            ledger.open(c, i.spec().orElse(AccountSpec.plain(i.mintUrl(), "sat")).toAccount(i.accountHash()));
            ledger.credit(c, i.accountHash(), msat, "ln:" + i.idHash(), "lightning " + i.purpose());
            InvoiceRepository.status(c, i.idHash(), "settlement_pending", "paid", null);
            return null;
        });
    }

    private Invoice reload(Invoice inv) {
        return Db.withConnection(ds, c -> InvoiceRepository.find(c, "id_hash", inv.idHash())).orElseThrow();
    }
}
