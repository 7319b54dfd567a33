package org.routstr.wallet.mint;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.routstr.crypto.cashu.client.CashuWallet;
import org.routstr.crypto.cashu.client.WalletRestore;
import org.routstr.crypto.cashu.nut00.Proof;
import org.routstr.crypto.cashu.nut13.DeterministicSecrets;

/**
 * NUT-09 restore of exactly an operation's counter range, keeping spent proofs too (a send's outputs may already be
 * spent by their recipient, and still prove the swap happened), indexed by counter so sends and change stay apart.
 */
final class RestoreSupport {
    private RestoreSupport() {
    }

    /** One slot per output of the operation, null where the mint signed nothing. */
    static List<Proof> restore(CashuWallet w, byte[] seed, Operation op) {
        WalletRestore.Result r = new WalletRestore(w).restoreRange(seed, op.keysetId(), op.counterStart(), op.counterEnd());
        Map<String, Integer> indexBySecret = new HashMap<>();
        for (int i = 0; i < op.amounts().size(); i++) {
            indexBySecret.put(DeterministicSecrets.derive(seed, op.keysetId(), op.counterStart() + i).secret(), i);
        }
        List<Proof> slots = new ArrayList<>(Collections.nCopies(op.amounts().size(), null));
        List<Proof> all = new ArrayList<>(r.unspent());
        all.addAll(r.spent());
        for (Proof p : all) {
            Integer i = indexBySecret.get(p.secret());
            if (i != null) {
                slots.set(i, p);
            }
        }
        return slots;
    }

    static List<Proof> found(List<Proof> slots) {
        return slots.stream().filter(p -> p != null).toList();
    }
}
