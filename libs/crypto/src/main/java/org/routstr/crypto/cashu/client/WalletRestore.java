package org.routstr.crypto.cashu.client;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.routstr.crypto.cashu.CashuException;
import org.routstr.crypto.cashu.Outputs;
import org.routstr.crypto.cashu.PreparedOutput;
import org.routstr.crypto.cashu.nut00.BlindSignature;
import org.routstr.crypto.cashu.nut00.BlindedMessage;
import org.routstr.crypto.cashu.nut00.Proof;
import org.routstr.crypto.cashu.nut01.MintKeyset;
import org.routstr.crypto.cashu.nut07.ProofState;
import org.routstr.crypto.cashu.nut07.ProofStateValue;
import org.routstr.crypto.cashu.nut09.RestoreRequest;
import org.routstr.crypto.cashu.nut09.RestoreResponse;

/**
 * Recovers proofs from a NUT-13 seed: re-creates outputs for counter ranges, asks the mint which it signed (NUT-09),
 * unblinds them and drops spent ones (NUT-07). Use after a crash between "send swap" and "store proofs".
 *
 * @see <a href="https://github.com/cashubtc/nuts/blob/main/09.md">NUT-09</a>
 */
public final class WalletRestore {
    private final CashuWallet wallet;

    /** Restore over a wallet. */
    public WalletRestore(CashuWallet wallet) {
        this.wallet = wallet;
    }

    /** Proofs found (unspent, and spent or pending), and the next unused counter (last signed + 1, or the start). */
    public record Result(List<Proof> unspent, List<Proof> spent, long nextCounter) {
        /** Copies the lists. */
        public Result {
            unspent = List.copyOf(unspent);
            spent = List.copyOf(spent);
        }
    }

    /** Restores counters {@code [from, to)} of one keyset in a single request. */
    public Result restoreRange(byte[] seed, String keysetId, long from, long to) {
        MintKeyset keyset = wallet.keyset(keysetId);
        List<PreparedOutput> outputs = Outputs.deterministic(seed, keysetId, from,
                Collections.nCopies((int) (to - from), Outputs.BLANK_AMOUNT));
        Map<String, Integer> indexByB = new HashMap<>();
        for (int i = 0; i < outputs.size(); i++) {
            indexByB.put(outputs.get(i).B_(), i);
        }
        RestoreResponse r = wallet.client().restore(
                new RestoreRequest(outputs.stream().map(PreparedOutput::blindedMessage).toList()));
        if (r.outputs().size() != r.signatures().size()) {
            throw new MintProtocolException("restore returned unequal outputs and signatures", null);
        }
        List<Proof> found = new ArrayList<>();
        long next = from;
        for (int i = 0; i < r.outputs().size(); i++) {
            BlindedMessage out = r.outputs().get(i);
            BlindSignature sig = r.signatures().get(i);
            Integer index = indexByB.get(out.B_());
            if (index == null) {
                throw new MintProtocolException("restore returned an output that was not requested", null);
            }
            try {
                found.add(outputs.get(index).unblind(sig, keyset, false));
            } catch (CashuException e) {
                throw new MintProtocolException("invalid restored signature: " + e.getMessage(), e);
            }
            next = Math.max(next, from + index + 1);
        }
        return split(found, next);
    }

    /** Restores in batches from {@code from} until {@code emptyBatches} consecutive batches find nothing (spec: 100, 3). */
    public Result restore(byte[] seed, String keysetId, long from, int batchSize, int emptyBatches) {
        List<Proof> unspent = new ArrayList<>();
        List<Proof> spent = new ArrayList<>();
        long next = from;
        int empty = 0;
        for (long start = from; empty < emptyBatches; start += batchSize) {
            Result batch = restoreRange(seed, keysetId, start, start + batchSize);
            unspent.addAll(batch.unspent());
            spent.addAll(batch.spent());
            boolean foundAny = !batch.unspent().isEmpty() || !batch.spent().isEmpty();
            if (foundAny) {
                empty = 0;
                next = Math.max(next, batch.nextCounter());
            } else {
                empty++;
            }
        }
        return new Result(unspent, spent, next);
    }

    private Result split(List<Proof> found, long next) {
        if (found.isEmpty()) {
            return new Result(List.of(), List.of(), next);
        }
        List<ProofState> states = wallet.checkState(found);
        List<Proof> unspent = new ArrayList<>();
        List<Proof> spent = new ArrayList<>();
        for (int i = 0; i < found.size(); i++) {
            (states.get(i).state() == ProofStateValue.UNSPENT ? unspent : spent).add(found.get(i));
        }
        return new Result(unspent, spent, next);
    }
}
