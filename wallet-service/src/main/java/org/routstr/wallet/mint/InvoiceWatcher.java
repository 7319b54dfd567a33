package org.routstr.wallet.mint;

import java.lang.System.Logger.Level;
import java.util.List;

import javax.sql.DataSource;

import org.routstr.common.db.Db;

/**
 * Credits paid Lightning top-ups without anyone polling: asks the mint about every watched invoice (NUT-04 quote state)
 * on a timer and settles those paid. Polling only: the mints this node is tested against offer no NUT-17 websocket, and
 * a poll is what a lost websocket falls back to anyway. Settling is a status CAS, so replicas never credit twice.
 */
public final class InvoiceWatcher {
    private static final System.Logger LOG = System.getLogger(InvoiceWatcher.class.getName());
    private static final int BATCH = 200;

    private final DataSource ds;
    private final Minter minter;

    public InvoiceWatcher(DataSource ds, Minter minter) {
        this.ds = ds;
        this.minter = minter;
    }

    /** Checks the watched invoices once; returns how many were found paid. */
    public int runOnce() {
        List<Invoice> watched = Db.withConnection(ds, c -> InvoiceRepository.watched(c, BATCH));
        int paid = 0;
        for (Invoice i : watched) {
            if (minter.settle(i).status().equals("paid")) {
                paid++;
            }
        }
        if (paid > 0) {
            LOG.log(Level.INFO, "lightning watcher credited " + paid + " paid invoices");
        }
        return paid;
    }
}
