-- The BTC/USD rate the node prices with. Billing writes it (fetched from public sources, or fixed by the operator) and
-- announces changes on the control topic; gateways read it. The latest row survives restarts, so a node without network
-- still prices.
CREATE TABLE btc_rate (
    id          SMALLINT PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    usd_per_btc NUMERIC(20, 8) NOT NULL CHECK (usd_per_btc > 0),
    source      TEXT           NOT NULL,
    fetched_at  TIMESTAMPTZ    NOT NULL DEFAULT now()
);
