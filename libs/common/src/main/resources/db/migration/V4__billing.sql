-- Billing's books: which usage events were applied (the idempotent consumer's duplicate detector), the Kafka offsets it
-- has applied up to (kept in the same transaction as the settlements, so a crash or a rebalance loses and doubles
-- nothing), the orphaned reservations it swept, and the per-model hourly usage the dashboard shows.

CREATE TABLE billing_processed_events (
    request_id   UUID PRIMARY KEY,
    account_hash TEXT        NOT NULL,
    cost_msat    BIGINT      NOT NULL,
    -- settled: charged now; not_active: already settled or released (nothing changed); unknown: no such reservation;
    -- reconciled: the reservation had been swept as an orphan and the real cost corrected that charge
    outcome      TEXT        NOT NULL DEFAULT 'pending'
        CHECK (outcome IN ('pending', 'settled', 'not_active', 'unknown', 'reconciled')),
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
-- before, is a no-op), settles the fresh ones through ledger_settle (charge the real cost, release the rest; an overrun
-- is charged as far as the account can pay and the rest recorded as unpaid), reconciles swept orphans, and adds the
-- fresh events to usage_hourly. Events are settled in (account, id) order so concurrent batches lock accounts in one
-- order. Returns how many events were settled, duplicates, not active, unknown and reconciled.
CREATE FUNCTION billing_apply_usage(p_ids UUID[], p_accounts TEXT[], p_costs BIGINT[], p_models TEXT[], p_errors BOOLEAN[],
                                    p_input BIGINT[], p_output BIGINT[], p_cached BIGINT[], p_at TIMESTAMPTZ[])
    RETURNS TABLE (settled INT, duplicates INT, not_active INT, unknown INT, reconciled INT) LANGUAGE plpgsql AS $$
DECLARE
    fresh    UUID[];
    e        RECORD;
    s        RECORD;
    back     BIGINT;
    n_set    INT := 0;
    n_na     INT := 0;
    n_unk    INT := 0;
    n_rec    INT := 0;
    outcomes TEXT[] := '{}';
    charged  BIGINT[] := '{}';
    unpaid   BIGINT[] := '{}';
    done_ids UUID[] := '{}';
BEGIN
    WITH input AS (
        SELECT DISTINCT ON (id) id, acct, cost
          FROM unnest(p_ids, p_accounts, p_costs) WITH ORDINALITY AS t (id, acct, cost, ord)
         ORDER BY id, ord
    ), ins AS (
        INSERT INTO billing_processed_events (request_id, account_hash, cost_msat)
        SELECT id, acct, cost FROM input ORDER BY acct, id
        ON CONFLICT (request_id) DO NOTHING
        RETURNING request_id
    )
    SELECT coalesce(array_agg(request_id), '{}') INTO fresh FROM ins;

    FOR e IN SELECT p.request_id AS id, p.cost_msat AS cost
               FROM billing_processed_events p
              WHERE p.request_id = ANY (fresh)
              ORDER BY p.account_hash, p.request_id LOOP
        SELECT * INTO s FROM ledger_settle(e.id, e.cost, NULL);
        IF FOUND THEN
            n_set := n_set + 1;
            outcomes := outcomes || 'settled'::TEXT;
            charged := charged || s.charged;
            unpaid := unpaid || s.unpaid;
        ELSE
            back := billing_reconcile_orphan(e.id, e.cost);
            IF back IS NOT NULL THEN
                n_rec := n_rec + 1;
                outcomes := outcomes || 'reconciled'::TEXT;
                charged := charged || (-back);
                unpaid := unpaid || 0::BIGINT;
            ELSIF EXISTS (SELECT 1 FROM reservations WHERE id = e.id) THEN
                n_na := n_na + 1;
                outcomes := outcomes || 'not_active'::TEXT;
                charged := charged || 0::BIGINT;
                unpaid := unpaid || 0::BIGINT;
            ELSE
                n_unk := n_unk + 1;
                outcomes := outcomes || 'unknown'::TEXT;
                charged := charged || 0::BIGINT;
                unpaid := unpaid || 0::BIGINT;
            END IF;
        END IF;
        done_ids := done_ids || e.id;
    END LOOP;

    UPDATE billing_processed_events p
       SET outcome = u.outcome, charged_msat = u.charged, unpaid_msat = u.unpaid
      FROM unnest(done_ids, outcomes, charged, unpaid) AS u (id, outcome, charged, unpaid)
     WHERE p.request_id = u.id;

    INSERT INTO usage_hourly AS h (hour, model, requests, input_tokens, output_tokens, cached_tokens, revenue_msat, unpaid_msat,
                                   errors)
    SELECT date_trunc('hour', ev.at), coalesce(ev.model, ''), count(*), sum(ev.input), sum(ev.output), sum(ev.cached),
           sum(u.charged), sum(u.unpaid), count(*) FILTER (WHERE ev.error)
      FROM (SELECT DISTINCT ON (id) * FROM unnest(p_ids, p_models, p_errors, p_input, p_output, p_cached, p_at)
                WITH ORDINALITY AS t (id, model, error, input, output, cached, at, ord) ORDER BY id, ord) ev
      JOIN unnest(done_ids, charged, unpaid) AS u (id, charged, unpaid) ON u.id = ev.id
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
