package org.routstr.ledger;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * What the ledger should hold, computed from the operations' inputs alone (never from what the ledger answered): the
 * rules of migration V20 written out in Java for {@link LedgerPropertyTest}.
 */
final class LedgerModel {
    /** One key's money as the model sees it. */
    static final class Acct {
        final Optional<String> parent;
        final Optional<Long> limit;
        long balance;
        long reserved;
        long spent;
        long window;

        Acct(Optional<String> parent, Optional<Long> limit) {
            this.parent = parent;
            this.limit = limit;
        }
    }

    private record Held(String key, String billing, long amount) {
    }

    final Map<String, Acct> accounts = new HashMap<>();
    private final Map<UUID, Held> active = new HashMap<>();
    private final Set<UUID> finished = new HashSet<>();
    private final Set<String> credits = new HashSet<>();
    private final Map<String, Long> debits = new HashMap<>();

    void open(String key, Optional<String> parent, Optional<Long> limit) {
        accounts.put(key, new Acct(parent, limit));
    }

    boolean credit(String key, long amount, String idem) {
        if (!credits.add(idem)) {
            return false;
        }
        accounts.get(key).balance += amount;
        return true;
    }

    ReserveResult reserve(UUID id, String key, long amount) {
        if (active.containsKey(id) || finished.contains(id)) {
            return ReserveResult.DUPLICATE;
        }
        Acct k = accounts.get(key);
        String billing = k.parent.orElse(key);
        Acct b = accounts.get(billing);
        if (b.balance - b.reserved < amount) {
            return ReserveResult.INSUFFICIENT;
        }
        if (k.limit.isPresent() && k.window + k.reserved + amount > k.limit.get()) {
            return ReserveResult.OVER_LIMIT;
        }
        b.reserved += amount;
        if (b != k) {
            k.reserved += amount;
        }
        active.put(id, new Held(key, billing, amount));
        return ReserveResult.OK;
    }

    /** The settlement V20 defines: the cost capped at the reservation and at what the paying account holds for it. */
    Optional<Settlement> settle(UUID id, long cost) {
        Held h = active.remove(id);
        if (h == null) {
            return Optional.empty();
        }
        finished.add(id);
        Acct b = accounts.get(h.billing);
        long due = Math.max(cost, 0);
        long charge = Math.max(0, Math.min(Math.min(due, h.amount), b.balance - (b.reserved - h.amount)));
        b.balance -= charge;
        for (Acct a : h.key.equals(h.billing) ? new Acct[] {b} : new Acct[] {b, accounts.get(h.key)}) {
            a.reserved -= h.amount;
            a.spent += charge;
            a.window += charge;
        }
        return Optional.of(new Settlement(charge, due - charge));
    }

    boolean release(UUID id) {
        Held h = active.remove(id);
        if (h == null) {
            return false;
        }
        finished.add(id);
        accounts.get(h.billing).reserved -= h.amount;
        if (!h.key.equals(h.billing)) {
            accounts.get(h.key).reserved -= h.amount;
        }
        return true;
    }

    DebitResult debit(String key, Optional<Long> amount, String idem) {
        Long prior = debits.get(idem);
        if (prior != null) {
            return new DebitResult.Duplicate(prior);
        }
        Acct a = accounts.get(key);
        long avail = a.balance - a.reserved;
        if (avail < amount.orElse(0L) || amount.isEmpty() && avail <= 0) {
            return new DebitResult.Insufficient(avail);
        }
        long take = amount.orElse(avail);
        a.balance -= take;
        debits.put(idem, take);
        return new DebitResult.Debited(take);
    }
}
