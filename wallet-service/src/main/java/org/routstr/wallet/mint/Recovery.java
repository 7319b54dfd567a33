package org.routstr.wallet.mint;

import java.lang.System.Logger.Level;
import java.util.Optional;

import javax.sql.DataSource;

import org.routstr.common.db.Db;

/**
 * Finishes mint operations whose replica died or lost the answer (lease expired), and payouts debited before their mint
 * operation was recorded: at start-up and periodically. Each is claimed with SKIP LOCKED and a fresh lease, so replicas
 * share the work without doing any twice.
 */
public final class Recovery {
    private static final System.Logger LOG = System.getLogger(Recovery.class.getName());

    private final DataSource ds;
    private final Mints mints;
    private final Receiver receiver;
    private final Sender sender;
    private final Minter minter;

    public Recovery(DataSource ds, Mints mints, Receiver receiver, Sender sender, Minter minter) {
        this.ds = ds;
        this.mints = mints;
        this.receiver = receiver;
        this.sender = sender;
        this.minter = minter;
    }

    /** Resolves every open operation whose lease ran out; returns how many were looked at. */
    public int runOnce() {
        int n = 0;
        for (int i = 0; i < 1000; i++) {
            Optional<Operation> op = Db.withConnection(ds, c -> ProofRepository.claimExpired(c, mints.lease()));
            if (op.isEmpty()) {
                return n + stalledPayouts();
            }
            n++;
            LOG.log(Level.INFO, "recovering " + op.get().kind() + " operation " + op.get().id());
            switch (op.get().kind()) {
                case "receive" -> receiver.resolve(op.get());
                case "foreign" -> receiver.foreign().resolve(op.get());
                case "send" -> sender.resolve(op.get());
                case "melt" -> sender.melter().resolve(op.get());
                case "mint" -> minter.resolve(op.get());
                default -> LOG.log(Level.WARNING, "no recovery for kind " + op.get().kind());
            }
        }
        return n + stalledPayouts();
    }

    /** Payouts debited whose replica stopped before recording a mint operation: each goes to paid or given back. */
    private int stalledPayouts() {
        int n = 0;
        while (n < 1000 && sender.recoverStalled()) {
            n++;
        }
        return n;
    }
}
