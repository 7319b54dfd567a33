package org.routstr.testmint;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.bouncycastle.math.ec.ECPoint;
import org.routstr.crypto.Hex;
import org.routstr.crypto.Secp256k1;
import org.routstr.crypto.cashu.Amounts;
import org.routstr.crypto.cashu.Bdhke;
import org.routstr.crypto.cashu.Dleq;
import org.routstr.crypto.cashu.nut00.BlindSignature;
import org.routstr.crypto.cashu.nut00.BlindedMessage;
import org.routstr.crypto.cashu.nut00.DleqProof;
import org.routstr.crypto.cashu.nut00.Proof;
import org.routstr.crypto.cashu.nut04.MintQuoteResponse;
import org.routstr.crypto.cashu.nut04.MintQuoteState;
import org.routstr.crypto.cashu.nut05.MeltQuoteResponse;
import org.routstr.crypto.cashu.nut05.MeltQuoteState;
import org.routstr.crypto.cashu.nut07.ProofState;
import org.routstr.crypto.cashu.nut07.ProofStateValue;
import org.routstr.crypto.cashu.nut09.RestoreResponse;

/**
 * The mint's books in memory: keysets, spent and pending Ys, signed outputs (for restore and 11003), quotes.
 * Every state change runs under one lock, so concurrent double spends are rejected.
 */
final class MintLedger {
    private final Map<String, MintKeys> keysets;
    private final TestMint.Settings settings;
    private final Set<String> spent = new HashSet<>();
    private final Set<String> pending = new HashSet<>();
    private final Map<String, BlindedMessage> signedOutputs = new HashMap<>();
    private final Map<String, BlindSignature> signatures = new HashMap<>();
    private final Map<String, MintQuoteResponse> mintQuotes = new HashMap<>();
    private final Map<String, MeltQuoteResponse> meltQuotes = new HashMap<>();
    private volatile FailureMode failureMode = FailureMode.NONE;

    MintLedger(List<MintKeys> keysets, TestMint.Settings settings) {
        Map<String, MintKeys> m = new LinkedHashMap<>();
        keysets.forEach(k -> m.put(k.id(), k));
        this.keysets = java.util.Collections.unmodifiableMap(m);
        this.settings = settings;
    }

    List<MintKeys> keysets() {
        return List.copyOf(keysets.values());
    }

    MintKeys keyset(String id) {
        MintKeys k = keysets.get(id);
        if (k == null) {
            throw new MintError(12001, "keyset is not known");
        }
        return k;
    }

    void failureMode(FailureMode mode) {
        this.failureMode = mode;
    }

    FailureMode failureMode() {
        return failureMode;
    }

    synchronized List<BlindSignature> swap(List<Proof> inputs, List<BlindedMessage> outputs) {
        String unit = verifyInputs(inputs);
        checkOutputs(outputs, unit);
        long fee = fee(inputs);
        long in = sum(inputs.stream().map(Proof::amount).toList());
        long out = sum(outputs.stream().map(BlindedMessage::amount).toList());
        if (in - fee != out) {
            throw new MintError(11005, "inputs (" + in + ") - fees (" + fee + ") != outputs (" + out + ")");
        }
        inputs.forEach(p -> spent.add(p.y()));
        return outputs.stream().map(this::sign).toList();
    }

    synchronized MintQuoteResponse createMintQuote(long amount, String unit) {
        unitKeyset(unit);
        if (amount <= 0 || amount > settings.maxMintAmount()) {
            throw new MintError(11006, "amount outside of limit range");
        }
        MintQuoteState state = settings.autoPayMintQuotes() ? MintQuoteState.PAID : MintQuoteState.UNPAID;
        MintQuoteResponse q = new MintQuoteResponse(UUID.randomUUID().toString(), Bolt11.fake(amount), amount, unit, state,
                expiry());
        mintQuotes.put(q.quote(), q);
        return q;
    }

    synchronized MintQuoteResponse mintQuote(String id) {
        MintQuoteResponse q = mintQuotes.get(id);
        if (q == null) {
            throw new MintError(20000, "quote not found");
        }
        return q;
    }

    synchronized void payMintQuote(String id) {
        MintQuoteResponse q = mintQuote(id);
        if (q.state() == MintQuoteState.UNPAID) {
            mintQuotes.put(id, withState(q, MintQuoteState.PAID));
        }
    }

    synchronized List<BlindSignature> mint(String quoteId, List<BlindedMessage> outputs) {
        MintQuoteResponse q = mintQuote(quoteId);
        switch (q.state()) {
            case UNPAID -> throw new MintError(20001, "quote request is not paid");
            case ISSUED -> throw new MintError(20002, "quote has already been issued");
            case PAID -> { }
        }
        checkOutputs(outputs, q.unit());
        long out = sum(outputs.stream().map(BlindedMessage::amount).toList());
        if (out != q.amount()) {
            throw new MintError(11005, "outputs (" + out + ") != quote amount (" + q.amount() + ")");
        }
        List<BlindSignature> sigs = outputs.stream().map(this::sign).toList();
        mintQuotes.put(quoteId, withState(q, MintQuoteState.ISSUED));
        return sigs;
    }

    synchronized MeltQuoteResponse createMeltQuote(String invoice, String unit) {
        unitKeyset(unit);
        long msat = Bolt11.amountMsat(invoice);
        if (msat == 0) {
            throw new MintError(11011, "amountless invoice is not supported");
        }
        long amount = "msat".equals(unit) ? msat : (msat + 999) / 1000;
        long reserve = Math.max(settings.minFeeReserve(), amount * settings.feeReservePercent() / 100);
        MeltQuoteResponse q = new MeltQuoteResponse(UUID.randomUUID().toString(), invoice, amount, unit, reserve,
                MeltQuoteState.UNPAID, expiry(), null, List.of());
        meltQuotes.put(q.quote(), q);
        return q;
    }

    synchronized MeltQuoteResponse meltQuote(String id) {
        MeltQuoteResponse q = meltQuotes.get(id);
        if (q == null) {
            throw new MintError(20000, "quote not found");
        }
        return q;
    }

    synchronized MeltQuoteResponse melt(String quoteId, List<Proof> inputs, List<BlindedMessage> blanks) {
        MeltQuoteResponse q = meltQuote(quoteId);
        if (q.state() == MeltQuoteState.PAID) {
            throw new MintError(20006, "invoice already paid");
        }
        if (q.state() == MeltQuoteState.PENDING) {
            throw new MintError(20005, "quote is pending");
        }
        verifyInputs(inputs);
        if (!blanks.isEmpty()) {
            checkOutputs(blanks, q.unit());
        }
        long fee = fee(inputs);
        long available = sum(inputs.stream().map(Proof::amount).toList()) - fee;
        if (available < q.amount() + q.feeReserve()) {
            throw new MintError(11005, "inputs - fees do not cover amount + fee_reserve");
        }
        if (failureMode == FailureMode.MELT_FAILS) {
            throw new MintError(20004, "Lightning payment failed");
        }
        inputs.forEach(p -> spent.add(p.y()));
        long lightningFee = Math.min(settings.lightningFee(), q.feeReserve());
        List<Long> parts = new ArrayList<>(Amounts.split(available - q.amount() - lightningFee));
        parts.sort(java.util.Comparator.reverseOrder());
        List<BlindSignature> change = new ArrayList<>();
        for (int i = 0; i < Math.min(parts.size(), blanks.size()); i++) {
            BlindedMessage b = blanks.get(i);
            change.add(sign(new BlindedMessage(parts.get(i), b.id(), b.B_())));
        }
        MeltQuoteResponse paid = new MeltQuoteResponse(q.quote(), q.request(), q.amount(), q.unit(), q.feeReserve(),
                MeltQuoteState.PAID, q.expiry(), Hex.encode(Secp256k1.randomBytes(32)), change);
        meltQuotes.put(quoteId, new MeltQuoteResponse(q.quote(), q.request(), q.amount(), q.unit(), q.feeReserve(),
                MeltQuoteState.PAID, q.expiry(), paid.paymentPreimage(), List.of()));
        return paid;
    }

    synchronized List<ProofState> checkState(List<String> ys) {
        return ys.stream().map(y -> new ProofState(y, spent.contains(y) ? ProofStateValue.SPENT
                : pending.contains(y) ? ProofStateValue.PENDING : ProofStateValue.UNSPENT, null)).toList();
    }

    synchronized RestoreResponse restore(List<BlindedMessage> outputs) {
        List<BlindedMessage> outs = new ArrayList<>();
        List<BlindSignature> sigs = new ArrayList<>();
        for (BlindedMessage o : outputs) {
            BlindSignature s = signatures.get(o.B_());
            if (s != null) {
                outs.add(signedOutputs.get(o.B_()));
                sigs.add(s);
            }
        }
        return new RestoreResponse(outs, sigs);
    }

    /** Marks proofs PENDING (for tests of NUT-07 and 11002). */
    /** Spent proofs, blind signatures and melt quotes so far: what any swap, mint or melt changes. */
    synchronized String books() {
        return "spent=" + spent.size() + " signed=" + signatures.size() + " melt-quotes=" + meltQuotes.size();
    }

    synchronized int mintQuotes() {
        return mintQuotes.size();
    }

    synchronized void markPending(List<String> ys) {
        pending.addAll(ys);
    }

    private String verifyInputs(List<Proof> inputs) {
        if (inputs.isEmpty()) {
            throw new MintError(11005, "no inputs");
        }
        Set<String> secrets = new HashSet<>();
        String unit = null;
        for (Proof p : inputs) {
            if (!secrets.add(p.secret())) {
                throw new MintError(11007, "duplicate inputs provided");
            }
            MintKeys ks = keyset(p.id());
            if (unit != null && !unit.equals(ks.keyset().unit())) {
                throw new MintError(11009, "inputs of multiple units");
            }
            unit = ks.keyset().unit();
            verifyProof(ks, p);
        }
        for (Proof p : inputs) {
            String y = p.y();
            if (spent.contains(y)) {
                throw new MintError(11001, "proofs already spent");
            }
            if (pending.contains(y)) {
                throw new MintError(11002, "proofs are pending");
            }
        }
        return unit;
    }

    private void verifyProof(MintKeys ks, Proof p) {
        BigInteger k = ks.privateKey(p.amount());
        try {
            if (!Bdhke.verify(k, p.secret(), Secp256k1.pointFromHex(p.C()))) {
                throw new MintError(10001, "proof verification failed");
            }
        } catch (IllegalArgumentException e) {
            throw new MintError(10001, "proof verification failed: malformed C");
        }
    }

    private void checkOutputs(List<BlindedMessage> outputs, String unit) {
        if (outputs.isEmpty()) {
            throw new MintError(11005, "no outputs");
        }
        Set<String> bs = new HashSet<>();
        for (BlindedMessage o : outputs) {
            if (!bs.add(o.B_())) {
                throw new MintError(11008, "duplicate outputs provided");
            }
            MintKeys ks = keyset(o.id());
            if (!ks.keyset().active()) {
                throw new MintError(12002, "keyset is inactive, cannot sign messages");
            }
            if (!ks.keyset().unit().equals(unit)) {
                throw new MintError(11010, "inputs and outputs not of same unit");
            }
            ks.privateKey(o.amount());
            if (signatures.containsKey(o.B_())) {
                throw new MintError(11003, "outputs already signed");
            }
        }
    }

    private BlindSignature sign(BlindedMessage o) {
        MintKeys ks = keyset(o.id());
        BigInteger k = ks.privateKey(o.amount());
        ECPoint blinded;
        try {
            blinded = Secp256k1.pointFromHex(o.B_());
        } catch (IllegalArgumentException e) {
            throw new MintError(10001, "invalid B_");
        }
        ECPoint c = Bdhke.sign(k, blinded);
        Dleq.EsPair dleq = Dleq.create(k, blinded, c);
        BlindSignature sig = new BlindSignature(o.amount(), o.id(), Secp256k1.toHex(c),
                new DleqProof(Secp256k1.scalarHex(dleq.e()), Secp256k1.scalarHex(dleq.s()), null));
        signatures.put(o.B_(), sig);
        signedOutputs.put(o.B_(), o);
        return sig;
    }

    private long fee(List<Proof> inputs) {
        return org.routstr.crypto.cashu.nut02.Fees.inputFee(inputs, id -> keyset(id).keyset().inputFeePpk());
    }

    private MintKeys unitKeyset(String unit) {
        return keysets.values().stream().filter(k -> k.keyset().active() && k.keyset().unit().equals(unit)).findFirst()
                .orElseThrow(() -> new MintError(11013, "unit in request is not supported"));
    }

    private static long sum(List<Long> amounts) {
        try {
            return Amounts.sum(amounts);
        } catch (ArithmeticException e) {
            throw new MintError(11006, "amount overflow");
        }
    }

    private static Long expiry() {
        return System.currentTimeMillis() / 1000 + 3600;
    }

    private static MintQuoteResponse withState(MintQuoteResponse q, MintQuoteState s) {
        return new MintQuoteResponse(q.quote(), q.request(), q.amount(), q.unit(), s, q.expiry());
    }
}
