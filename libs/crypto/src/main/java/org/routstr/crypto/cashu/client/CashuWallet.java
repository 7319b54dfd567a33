package org.routstr.crypto.cashu.client;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.routstr.crypto.cashu.Amounts;
import org.routstr.crypto.cashu.CashuException;
import org.routstr.crypto.cashu.Outputs;
import org.routstr.crypto.cashu.PreparedOutput;
import org.routstr.crypto.cashu.nut00.BlindSignature;
import org.routstr.crypto.cashu.nut00.BlindedMessage;
import org.routstr.crypto.cashu.nut00.Proof;
import org.routstr.crypto.cashu.nut00.Token;
import org.routstr.crypto.cashu.nut01.MintKeyset;
import org.routstr.crypto.cashu.nut02.Fees;
import org.routstr.crypto.cashu.nut02.KeysetInfo;
import org.routstr.crypto.cashu.nut03.SwapRequest;
import org.routstr.crypto.cashu.nut04.MintQuoteRequest;
import org.routstr.crypto.cashu.nut04.MintQuoteResponse;
import org.routstr.crypto.cashu.nut04.MintRequest;
import org.routstr.crypto.cashu.nut05.MeltQuoteResponse;
import org.routstr.crypto.cashu.nut05.MeltRequest;
import org.routstr.crypto.cashu.nut07.ProofState;
import org.routstr.crypto.cashu.nut12.DleqVerifier;

/**
 * Stateless wallet operations against one mint: swap, receive, mint, melt with fee return, state check. Outputs
 * come from {@link Outputs} (random or NUT-13 deterministic); the caller owns seeds and counters and must persist
 * {@code counter + outputs} <em>before</em> calling, so a lost answer can be recovered with {@link WalletRestore}.
 * Only keyset keys are cached (they never change for an id). Every returned proof had its DLEQ verified if the
 * mint sent one.
 *
 * @see <a href="https://github.com/cashubtc/nuts/blob/main/03.md">NUT-03</a>
 */
public final class CashuWallet {
    private static final java.util.regex.Pattern HEX_ID = java.util.regex.Pattern.compile("[0-9a-fA-F]{2,66}");
    private final MintClient client;
    private final Map<String, MintKeyset> keysets = new ConcurrentHashMap<>();

    /** A wallet over a client. */
    public CashuWallet(MintClient client) {
        this.client = client;
    }

    /** The client. */
    public MintClient client() {
        return client;
    }

    /** The keyset with its keys (cached per id). */
    public MintKeyset keyset(String id) {
        return keysets.computeIfAbsent(id, client::keys);
    }

    /** The first active keyset of a unit. */
    public MintKeyset activeKeyset(String unit) {
        return client.keysets().keysets().stream().filter(k -> k.active() && k.unit().equals(unit)).findFirst()
                .map(k -> keyset(k.id()))
                .orElseThrow(() -> new CashuException("mint has no active keyset for unit " + unit));
    }

    /** Input fee of spending these proofs, with fees from {@code GET /v1/keysets}. */
    public long inputFee(List<Proof> proofs) {
        Map<String, Long> ppk = new java.util.HashMap<>();
        for (KeysetInfo k : client.keysets().keysets()) {
            ppk.put(k.id(), k.inputFeePpk());
        }
        return Fees.inputFee(proofs, id -> {
            Long fee = ppk.get(id);
            if (fee == null) {
                throw new CashuException("proof of unknown keyset " + id);
            }
            return fee;
        });
    }

    /** Swaps inputs into the prepared outputs (Σinputs − fee must equal Σoutputs); proofs in output order. */
    public List<Proof> swap(List<Proof> inputs, List<PreparedOutput> outputs) {
        List<BlindedMessage> messages = outputs.stream().map(PreparedOutput::blindedMessage).toList();
        List<Proof> cleanInputs = inputs.stream().map(Proof::withoutDleq).toList();
        List<BlindSignature> sigs = client.swap(new SwapRequest(cleanInputs, messages)).signatures();
        return unblind(outputs, sigs);
    }

    /**
     * Receives a token: verifies any DLEQ it carries, then swaps all its proofs into deterministic outputs of the active
     * keyset of its unit, starting at {@code counter} (persist {@code counter + outputAmounts(token).size()} first).
     */
    public List<Proof> receive(Token token, byte[] seed, long counter) {
        verifyToken(token);
        MintKeyset active = activeKeyset(token.unit());
        List<Long> amounts = receiveAmounts(token);
        return swap(token.proofs(), Outputs.deterministic(seed, active.id(), counter, amounts));
    }

    /** The output amounts a {@link #receive} will use: the split of token amount minus input fee. */
    public List<Long> receiveAmounts(Token token) {
        long net = token.amount() - inputFee(token.proofs());
        if (net <= 0) {
            throw new CashuException("token is worth less than its input fee");
        }
        return Amounts.split(net);
    }

    /**
     * Checks what a receiver can check alone: every proof's keyset id is hex and its amount one that keyset signs (else the
     * proof is forged, and a mint may answer a swap of it with a 5xx, which looks like an outage), and the DLEQ proofs a
     * token carries (receivers MUST verify them when present).
     */
    public void verifyToken(Token token) {
        for (Proof p : token.proofs()) {
            if (!HEX_ID.matcher(p.id()).matches()) {
                throw new CashuException("proof of a keyset id that is not hex");
            }
            MintKeyset k = keyset(p.id());
            if (!k.hasAmount(p.amount())) {
                throw new CashuException("token proof of amount " + p.amount() + " has no key in keyset " + p.id());
            }
            if (p.dleq() != null && !DleqVerifier.verifyProof(p, k.publicKey(p.amount()))) {
                throw new CashuException("token proof of amount " + p.amount() + " has an invalid DLEQ proof");
            }
        }
    }

    /** Requests a bolt11 mint quote. */
    public MintQuoteResponse requestMintQuote(long amount, String unit) {
        return client.createMintQuote(new MintQuoteRequest(amount, unit, null));
    }

    /** Mints ecash for a paid quote into the prepared outputs (Σ must equal the quote amount). */
    public List<Proof> mint(String quoteId, List<PreparedOutput> outputs) {
        List<BlindedMessage> messages = outputs.stream().map(PreparedOutput::blindedMessage).toList();
        return unblind(outputs, client.mint(new MintRequest(quoteId, messages)).signatures());
    }

    /** Pays a melt quote; blank outputs (NUT-08, see {@code BlankOutputs.count}) receive the overpaid fee. */
    public MeltResult melt(MeltQuoteResponse quote, List<Proof> inputs, List<PreparedOutput> blankOutputs) {
        List<BlindedMessage> messages = blankOutputs.stream().map(PreparedOutput::blindedMessage).toList();
        List<Proof> clean = inputs.stream().map(Proof::withoutDleq).toList();
        MeltQuoteResponse paid = client.melt(new MeltRequest(quote.quote(), clean, messages));
        if (paid.change().size() > blankOutputs.size()) {
            throw new MintProtocolException("mint returned more change than blank outputs", null);
        }
        // change[i] belongs to blank output i; its amount is set by the mint
        List<Proof> change = unblind(blankOutputs.subList(0, paid.change().size()), paid.change());
        return new MeltResult(paid, change);
    }

    /** The result of a melt: the final quote (state, preimage) and the unblinded change. */
    public record MeltResult(MeltQuoteResponse quote, List<Proof> change) {
        /** Copies the list. */
        public MeltResult {
            change = List.copyOf(change);
        }
    }

    /** NUT-07 states of the proofs, in order. */
    public List<ProofState> checkState(List<Proof> proofs) {
        List<ProofState> states = client.checkState(proofs.stream().map(Proof::y).toList()).states();
        if (states.size() != proofs.size()) {
            throw new MintProtocolException("checkstate returned " + states.size() + " states for " + proofs.size(), null);
        }
        return states;
    }

    List<Proof> unblind(List<PreparedOutput> outputs, List<BlindSignature> sigs) {
        if (sigs.size() != outputs.size()) {
            throw new MintProtocolException("mint returned " + sigs.size() + " signatures for " + outputs.size() + " outputs", null);
        }
        List<Proof> proofs = new ArrayList<>(outputs.size());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < outputs.size(); i++) {
            BlindSignature sig = sigs.get(i);
            if (!seen.add(sig.C_())) {
                throw new MintProtocolException("mint returned a duplicate signature", null);
            }
            try {
                proofs.add(outputs.get(i).unblind(sig, keyset(sig.id()), false));
            } catch (CashuException e) {
                throw new MintProtocolException("invalid signature from mint: " + e.getMessage(), e);
            }
        }
        return proofs;
    }
}
