package org.routstr.gateway.pricing;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;

import javax.sql.DataSource;

import org.routstr.common.db.Db;

/**
 * The BTC/USD rate billing keeps in {@code btc_rate}, cached; refreshed on {@code btc.rate} and every minute.
 */
public final class BtcRate {
    private final DataSource ds;
    private volatile Optional<BigDecimal> usdPerBtc = Optional.empty();

    public BtcRate(DataSource ds) {
        this.ds = ds;
    }

    /** Re-reads the row (keeps the last value when the row is missing). */
    public void refresh() {
        Optional<BigDecimal> v = Db.withConnection(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT usd_per_btc FROM btc_rate WHERE id = 1");
                 ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getBigDecimal(1)) : Optional.<BigDecimal>empty();
            }
        });
        if (v.isPresent()) {
            usdPerBtc = v;
        }
    }

    /** The last known rate; empty until billing has written one. */
    public Optional<BigDecimal> usdPerBtc() {
        return usdPerBtc;
    }
}
