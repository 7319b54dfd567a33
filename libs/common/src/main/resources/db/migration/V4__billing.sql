-- Billing's books: which usage events were applied (the idempotent consumer's duplicate detector), the Kafka offsets it
-- has applied up to (kept in the same transaction as the settlements, so a crash or a rebalance loses and doubles
-- nothing), the orphaned reservations it swept, and the per-model hourly usage the dashboard shows.

CREATE TABLE billing_processed_events (
    request_id   UUID PRIMARY KEY,
    account_hash TEXT        NOT NULL,
    cost_msat    BIGINT      NOT NULL,
    -- settled: charged now; not_active: already settled or released (nothing changed); unknown: no such reservation;
    -- reconciled: the reservation had been swept as an orphan and the real cost corrected that charge
    outcome      TEXT        NOT NULL CHECK (outcome IN ('settled', 'not_active', 'unknown', 'reconciled')),
    charged_msat BIGINT      NOT NULL DEFAULT 0,
    unpaid_msat  BIGINT      NOT NULL DEFAULT 0,
    processed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX billing_processed_outcome ON billing_processed_events (outcome) WHERE outcome IN ('unknown', 'reconciled');

-- Where each consumer group is in each partition: the next offset to read. Written in the settlement transaction.
CREATE TABLE billing_offsets (
    group_id        TEXT        NOT NULL,
    topic           TEXT        NOT NULL,
    kafka_partition INT         NOT NULL,
    next_offset     BIGINT      NOT NULL CHECK (next_offset >= 0),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (group_id, topic, kafka_partition)
);

-- Reservations settled by the orphan sweep (no heartbeat: the gateway that held them died). A usage event arriving later
-- reconciles the charge to the real cost once.
CREATE TABLE billing_orphans (
    reservation_id  UUID PRIMARY KEY REFERENCES reservations (id),
    charged_msat    BIGINT      NOT NULL,
    swept_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    reconciled_cost BIGINT,
    reconciled_at   TIMESTAMPTZ
);

-- The dashboard's usage per model per hour, counted once per applied event.
CREATE TABLE usage_hourly (
    hour          TIMESTAMPTZ NOT NULL,
    model         TEXT        NOT NULL,
    requests      BIGINT      NOT NULL DEFAULT 0,
    input_tokens  BIGINT      NOT NULL DEFAULT 0,
    output_tokens BIGINT      NOT NULL DEFAULT 0,
    cached_tokens BIGINT      NOT NULL DEFAULT 0,
    revenue_msat  BIGINT      NOT NULL DEFAULT 0,
    unpaid_msat   BIGINT      NOT NULL DEFAULT 0,
    errors        BIGINT      NOT NULL DEFAULT 0,
    PRIMARY KEY (hour, model)
);

-- Gives back what an orphan sweep over-charged once the real cost is known (never charges more: the sweep already took
-- the whole reservation, the most the client agreed to). Returns the msat given back, or NULL when p_id was not swept
-- or is reconciled already.
CREATE FUNCTION billing_reconcile_orphan(p_id UUID, p_cost BIGINT) RETURNS BIGINT LANGUAGE plpgsql AS $$
DECLARE
    o    billing_orphans%ROWTYPE;
    r    reservations%ROWTYPE;
    back BIGINT;
BEGIN
    SELECT * INTO o FROM billing_orphans WHERE reservation_id = p_id AND reconciled_at IS NULL FOR UPDATE;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    SELECT * INTO r FROM reservations WHERE id = p_id;
    back := o.charged_msat - least(greatest(p_cost, 0), o.charged_msat);
    IF back > 0 THEN
        IF r.key_hash <> r.account_hash THEN
            UPDATE accounts SET spent_msat = greatest(spent_msat - back, 0), window_spent_msat = greatest(window_spent_msat - back, 0)
             WHERE key_hash = r.key_hash;
        END IF;
        UPDATE accounts SET spent_msat = greatest(spent_msat - back, 0), window_spent_msat = greatest(window_spent_msat - back, 0)
         WHERE key_hash = r.account_hash;
        -- reservation_id stays NULL: that column links a reservation to its one charge entry
        INSERT INTO ledger (idem_key, account_hash, key_hash, kind, amount_msat, memo)
        VALUES ('orphan-refund:' || p_id, r.account_hash, r.key_hash, 'adjustment', back,
                'orphan ' || p_id || ' swept at ' || o.charged_msat || ' msat, real cost ' || p_cost);
    END IF;
    UPDATE billing_orphans SET reconciled_cost = p_cost, reconciled_at = now() WHERE reservation_id = p_id;
    RETURN back;
END $$;

-- Applies a batch of usage events in one round trip: records each request id once (a duplicate, in the batch or from
-- before, is a no-op), settles the fresh ones (charge the real cost, release the rest), reconciles swept orphans, and adds
-- the fresh events to usage_hourly. Returns how many events were settled, duplicates, not active, unknown, reconciled.
--
-- Settling is set-based where that provably gives what ledger_settle (V1) gives event by event: a top-level account
-- without a spending limit whose events in this batch all cost no more than their reservation (so every charge is paid
-- in full from money the reservation already holds). Everything else (child keys, limits, overruns) goes through
-- ledger_settle itself, one event at a time. Lock order as in V1: reservations (by id), then accounts (by key).
CREATE FUNCTION billing_apply_usage(p_ids UUID[], p_accounts TEXT[], p_costs BIGINT[], p_models TEXT[], p_errors BOOLEAN[],
                                    p_input BIGINT[], p_output BIGINT[], p_cached BIGINT[], p_at TIMESTAMPTZ[])
    RETURNS TABLE (settled INT, duplicates INT, not_active INT, unknown INT, reconciled INT) LANGUAGE plpgsql AS $$
DECLARE
    fresh      UUID[];
    fresh_cost BIGINT[];
    a_ids      UUID[];
    a_accts    TEXT[];
    a_keys     TEXT[];
    a_amounts  BIGINT[];
    a_costs    BIGINT[];
    f_ids      UUID[];
    f_accts    TEXT[];
    f_amounts  BIGINT[];
    f_costs    BIGINT[];
    s_ids      UUID[];
    s_costs    BIGINT[];
    e          RECORD;
    s          RECORD;
    back       BIGINT;
    n_set      INT := 0;
    n_na       INT := 0;
    n_unk      INT := 0;
    n_rec      INT := 0;
BEGIN
    -- 1. the duplicate detector; rows start as 'settled' at their cost and the exceptions are corrected below
    WITH input AS (
        SELECT DISTINCT ON (id) id, acct, cost
          FROM unnest(p_ids, p_accounts, p_costs) WITH ORDINALITY AS t (id, acct, cost, ord)
         ORDER BY id, ord
    ), ins AS (
        INSERT INTO billing_processed_events (request_id, account_hash, cost_msat, outcome, charged_msat)
        SELECT id, acct, cost, 'settled', cost FROM input ORDER BY id
        ON CONFLICT (request_id) DO NOTHING
        RETURNING request_id, cost_msat
    )
    SELECT coalesce(array_agg(request_id), '{}'), coalesce(array_agg(cost_msat), '{}') INTO fresh, fresh_cost FROM ins;

    -- 2. lock the fresh events' active reservations
    SELECT coalesce(array_agg(x.id ORDER BY x.id), '{}'), coalesce(array_agg(x.account_hash ORDER BY x.id), '{}'),
           coalesce(array_agg(x.key_hash ORDER BY x.id), '{}'), coalesce(array_agg(x.amount_msat ORDER BY x.id), '{}'),
           coalesce(array_agg(x.cost ORDER BY x.id), '{}')
      INTO a_ids, a_accts, a_keys, a_amounts, a_costs
      FROM (SELECT r.id, r.account_hash, r.key_hash, r.amount_msat, greatest(f.cost, 0) AS cost
              FROM reservations r JOIN unnest(fresh, fresh_cost) AS f (id, cost) ON f.id = r.id
             WHERE r.status = 'active' ORDER BY r.id FOR UPDATE OF r) x;

    -- 3. lock the paying accounts and split the events: those the set-based path settles exactly, and the rest
    WITH ev AS (
        SELECT * FROM unnest(a_ids, a_accts, a_keys, a_amounts, a_costs) AS t (id, acct, key, amount, cost)
    ), locked AS (
        SELECT a.key_hash, a.parent_hash, a.spending_limit_msat
          FROM accounts a WHERE a.key_hash IN (SELECT DISTINCT acct FROM ev) ORDER BY a.key_hash FOR UPDATE
    ), fa AS (
        SELECT l.key_hash FROM locked l
          JOIN (SELECT acct, bool_and(key = acct AND cost <= amount) AS simple FROM ev GROUP BY acct) g ON g.acct = l.key_hash
         WHERE g.simple AND l.parent_hash IS NULL AND l.spending_limit_msat IS NULL
    )
    SELECT coalesce(array_agg(ev.id) FILTER (WHERE fa.key_hash IS NOT NULL), '{}'),
           coalesce(array_agg(ev.acct) FILTER (WHERE fa.key_hash IS NOT NULL), '{}'),
           coalesce(array_agg(ev.amount) FILTER (WHERE fa.key_hash IS NOT NULL), '{}'),
           coalesce(array_agg(ev.cost) FILTER (WHERE fa.key_hash IS NOT NULL), '{}'),
           coalesce(array_agg(ev.id ORDER BY ev.acct, ev.id) FILTER (WHERE fa.key_hash IS NULL), '{}'),
           coalesce(array_agg(ev.cost ORDER BY ev.acct, ev.id) FILTER (WHERE fa.key_hash IS NULL), '{}')
      INTO f_ids, f_accts, f_amounts, f_costs, s_ids, s_costs
      FROM ev LEFT JOIN fa ON fa.key_hash = ev.acct;

    -- 4. the set-based settlement
    UPDATE reservations r SET status = 'settled', finished_at = now(), charged_msat = u.cost
      FROM unnest(f_ids, f_costs) AS u (id, cost)
     WHERE r.id = u.id;
    UPDATE accounts a SET reserved_msat = a.reserved_msat - g.r, spent_msat = a.spent_msat + g.c,
                          window_spent_msat = a.window_spent_msat + g.c
      FROM (SELECT acct, sum(amount) AS r, sum(cost) AS c FROM unnest(f_accts, f_amounts, f_costs) AS t (acct, amount, cost)
             GROUP BY acct) g
     WHERE a.key_hash = g.acct;
    INSERT INTO ledger (idem_key, account_hash, key_hash, kind, amount_msat, unpaid_msat, reservation_id)
    SELECT 'charge:' || id, acct, acct, 'charge', -cost, 0, id
      FROM unnest(f_ids, f_accts, f_costs) AS t (id, acct, cost) ORDER BY acct, id;

    -- 5. the rest of the active ones, event by event through the ledger
    FOR e IN SELECT t.id, t.cost FROM unnest(s_ids, s_costs) WITH ORDINALITY AS t (id, cost, ord) ORDER BY t.ord LOOP
        SELECT * INTO s FROM ledger_settle(e.id, e.cost, NULL);
        UPDATE billing_processed_events SET charged_msat = s.charged, unpaid_msat = s.unpaid WHERE request_id = e.id;
    END LOOP;
    n_set := coalesce(array_length(a_ids, 1), 0);

    -- 6. fresh events without an active reservation: a swept orphan to reconcile, already finished, or unknown
    FOR e IN SELECT f.id, f.cost FROM unnest(fresh, fresh_cost) AS f (id, cost)
              LEFT JOIN unnest(a_ids) AS a (id) ON a.id = f.id WHERE a.id IS NULL ORDER BY f.id LOOP
        back := billing_reconcile_orphan(e.id, e.cost);
        IF back IS NOT NULL THEN
            n_rec := n_rec + 1;
            UPDATE billing_processed_events SET outcome = 'reconciled', charged_msat = -back WHERE request_id = e.id;
        ELSIF EXISTS (SELECT 1 FROM reservations WHERE id = e.id) THEN
            n_na := n_na + 1;
            UPDATE billing_processed_events SET outcome = 'not_active', charged_msat = 0 WHERE request_id = e.id;
        ELSE
            n_unk := n_unk + 1;
            UPDATE billing_processed_events SET outcome = 'unknown', charged_msat = 0 WHERE request_id = e.id;
        END IF;
    END LOOP;

    -- 7. the dashboard's hourly usage, from the fresh events only
    INSERT INTO usage_hourly AS h (hour, model, requests, input_tokens, output_tokens, cached_tokens, revenue_msat, unpaid_msat,
                                   errors)
    SELECT date_trunc('hour', ev.at), coalesce(ev.model, ''), count(*), sum(ev.input), sum(ev.output), sum(ev.cached),
           sum(p.charged_msat), sum(p.unpaid_msat), count(*) FILTER (WHERE ev.error)
      FROM (SELECT DISTINCT ON (id) * FROM unnest(p_ids, p_models, p_errors, p_input, p_output, p_cached, p_at)
                WITH ORDINALITY AS t (id, model, error, input, output, cached, at, ord) ORDER BY id, ord) ev
      JOIN unnest(fresh) AS f (id) ON f.id = ev.id
      JOIN billing_processed_events p ON p.request_id = ev.id
     GROUP BY 1, 2
     ORDER BY 1, 2
    ON CONFLICT (hour, model) DO UPDATE
       SET requests = h.requests + excluded.requests, input_tokens = h.input_tokens + excluded.input_tokens,
           output_tokens = h.output_tokens + excluded.output_tokens, cached_tokens = h.cached_tokens + excluded.cached_tokens,
           revenue_msat = h.revenue_msat + excluded.revenue_msat, unpaid_msat = h.unpaid_msat + excluded.unpaid_msat,
           errors = h.errors + excluded.errors;

    RETURN QUERY SELECT n_set, coalesce(array_length(p_ids, 1), 0) - coalesce(array_length(fresh, 1), 0), n_na, n_unk, n_rec;
END $$;

-- Settles one orphaned reservation (active, no heartbeat for p_after) at its full reserved amount: its gateway died after
-- forwarding the request, so the real cost will never be reported and the reservation is the most the client agreed to
-- pay. A usage event arriving later (say from the gateway's outbox) gives back the difference (billing_reconcile_orphan).
-- Skips rows another replica holds. Returns the msat charged, or NULL when p_id is not (or no longer) an orphan.
CREATE FUNCTION billing_sweep_orphan(p_id UUID, p_after INTERVAL) RETURNS BIGINT LANGUAGE plpgsql AS $$
DECLARE
    amount BIGINT;
    s      RECORD;
BEGIN
    SELECT amount_msat INTO amount FROM reservations
     WHERE id = p_id AND status = 'active' AND heartbeat_at < now() - p_after
       FOR UPDATE SKIP LOCKED;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    SELECT * INTO s FROM ledger_settle(p_id, amount, 'orphan: no heartbeat for ' || p_after);
    INSERT INTO billing_orphans (reservation_id, charged_msat) VALUES (p_id, s.charged);
    RETURN s.charged;
END $$;
