-- Issue 10, the ledger half. Three rules change, and every function that touches accounts is redefined to keep them:
--   * a settled cost is never above its reservation: an upstream overrun is charged as the reservation (the most the
--     client agreed to pay), the rest is written off as unpaid and counted (billing_apply_usage returns the overruns);
--   * a child key's limit no longer caps a charge: the charge is capped at the reservation, which the child's limit
--     admitted, so the only cap left is the paying parent's money (and the parent's own limit); a child cannot reserve
--     once its parent is past its validity or expiry date;
--   * one lock order everywhere: reservation, then parent (the paying account), then child. V1 locked the child first in
--     ledger_reserve and ledger_settle while billing's set settlement locked every parent first: a deadlock under
--     child-key traffic that rolled back whole billing batches. Row locks on accounts are FOR NO KEY UPDATE (what a
--     plain UPDATE takes), so they never wait on the key-share locks that foreign keys of new reservations take.

-- Reserves p_amount for request p_id on key p_key (see V1, V7). Returns 'ok', 'duplicate', 'unknown_key', 'expired',
-- 'revoked', 'insufficient' or 'over_limit'.
CREATE OR REPLACE FUNCTION ledger_reserve(p_id UUID, p_key TEXT, p_amount BIGINT) RETURNS TEXT LANGUAGE plpgsql AS $$
DECLARE
    k       accounts%ROWTYPE;
    billing TEXT;
    reason  TEXT;
BEGIN
    IF p_amount < 0 THEN
        RAISE EXCEPTION 'negative reservation' USING ERRCODE = 'check_violation';
    END IF;
    SELECT * INTO k FROM accounts WHERE key_hash = p_key;
    IF NOT FOUND THEN
        RETURN 'unknown_key';
    END IF;
    IF k.status <> 'active' THEN
        RETURN k.status;
    END IF;
    IF k.valid_until <= now() OR k.expires_at <= now() THEN
        RETURN 'expired';
    END IF;
    billing := coalesce(k.parent_hash, k.key_hash);
    INSERT INTO reservations (id, account_hash, key_hash, amount_msat) VALUES (p_id, billing, p_key, p_amount)
    ON CONFLICT (id) DO NOTHING;
    IF NOT FOUND THEN
        RETURN 'duplicate';
    END IF;
    -- the paying account first (lock order: parent, then child)
    IF k.parent_hash IS NOT NULL OR k.limit_reset IS NOT NULL THEN
        PERFORM ledger_roll_window(billing);
    END IF;
    UPDATE accounts SET reserved_msat = reserved_msat + p_amount, requests = requests + 1
     WHERE key_hash = billing AND status = 'active'
       AND (valid_until IS NULL OR valid_until > now()) AND (expires_at IS NULL OR expires_at > now())
       AND balance_msat - reserved_msat >= p_amount
       AND (spending_limit_msat IS NULL OR window_spent_msat + reserved_msat + p_amount <= spending_limit_msat);
    IF NOT FOUND THEN
        SELECT CASE WHEN status <> 'active' THEN status
                    WHEN valid_until <= now() OR expires_at <= now() THEN 'expired'
                    WHEN balance_msat - reserved_msat < p_amount THEN 'insufficient'
                    ELSE 'over_limit' END
          INTO reason FROM accounts WHERE key_hash = billing;
        DELETE FROM reservations WHERE id = p_id;
        RETURN reason;
    END IF;
    IF k.parent_hash IS NOT NULL THEN
        IF k.limit_reset IS NOT NULL THEN
            PERFORM ledger_roll_window(p_key);
        END IF;
        UPDATE accounts SET reserved_msat = reserved_msat + p_amount, requests = requests + 1
         WHERE key_hash = p_key AND status = 'active'
           AND (spending_limit_msat IS NULL OR window_spent_msat + reserved_msat + p_amount <= spending_limit_msat);
        IF NOT FOUND THEN
            UPDATE accounts SET reserved_msat = reserved_msat - p_amount, requests = requests - 1 WHERE key_hash = billing;
            DELETE FROM reservations WHERE id = p_id;
            RETURN 'over_limit';
        END IF;
    END IF;
    RETURN 'ok';
END $$;

-- Settles reservation p_id at p_cost: charges least(p_cost, reservation) as far as the paying account can without
-- touching money other requests hold (and within its own limit), releases the rest. Returns one row (charged, unpaid),
-- or none when the reservation was not active: a second settle changes nothing. billing_apply_usage (V20) settles
-- plain accounts set-based with the same arithmetic; BillingSettleEquivalenceTest holds the two equal.
CREATE OR REPLACE FUNCTION ledger_settle(p_id UUID, p_cost BIGINT, p_memo TEXT)
    RETURNS TABLE (charged BIGINT, unpaid BIGINT) LANGUAGE plpgsql AS $$
DECLARE
    r      reservations%ROWTYPE;
    due    BIGINT := greatest(p_cost, 0);
    charge BIGINT;
    room   BIGINT;
BEGIN
    UPDATE reservations SET status = 'settled', finished_at = now()
     WHERE id = p_id AND status = 'active' RETURNING * INTO r;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    charge := least(due, r.amount_msat);
    SELECT least(balance_msat - (reserved_msat - r.amount_msat),
                 coalesce(spending_limit_msat - window_spent_msat - (reserved_msat - r.amount_msat), charge))
      INTO room FROM accounts WHERE key_hash = r.account_hash FOR NO KEY UPDATE;
    charge := least(charge, greatest(room, 0));
    UPDATE accounts SET reserved_msat = reserved_msat - r.amount_msat, spent_msat = spent_msat + charge,
                        window_spent_msat = window_spent_msat + charge
     WHERE key_hash = r.account_hash;
    IF r.key_hash <> r.account_hash THEN
        UPDATE accounts SET reserved_msat = reserved_msat - r.amount_msat, spent_msat = spent_msat + charge,
                            window_spent_msat = window_spent_msat + charge
         WHERE key_hash = r.key_hash;
    END IF;
    INSERT INTO ledger (idem_key, account_hash, key_hash, kind, amount_msat, unpaid_msat, reservation_id, memo)
    VALUES ('charge:' || p_id, r.account_hash, r.key_hash, 'charge', -charge, due - charge, p_id,
            CASE WHEN due > r.amount_msat
                 THEN concat_ws('; ', p_memo, 'overrun: cost ' || due || ' above reservation ' || r.amount_msat)
                 ELSE p_memo END);
    UPDATE reservations SET charged_msat = charge WHERE id = p_id;
    RETURN QUERY SELECT charge, due - charge;
END $$;

-- Releases reservation p_id in full (nothing was served). True when it was active. Parent before child.
CREATE OR REPLACE FUNCTION ledger_release(p_id UUID) RETURNS BOOLEAN LANGUAGE plpgsql AS $$
DECLARE
    r reservations%ROWTYPE;
BEGIN
    UPDATE reservations SET status = 'released', finished_at = now(), charged_msat = 0
     WHERE id = p_id AND status = 'active' RETURNING * INTO r;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    UPDATE accounts SET reserved_msat = reserved_msat - r.amount_msat, requests = requests - 1 WHERE key_hash = r.account_hash;
    IF r.key_hash <> r.account_hash THEN
        UPDATE accounts SET reserved_msat = reserved_msat - r.amount_msat, requests = requests - 1 WHERE key_hash = r.key_hash;
    END IF;
    RETURN true;
END $$;

-- As V4, parent before child.
CREATE OR REPLACE FUNCTION billing_reconcile_orphan(p_id UUID, p_cost BIGINT) RETURNS BIGINT LANGUAGE plpgsql AS $$
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
        UPDATE accounts SET spent_msat = greatest(spent_msat - back, 0), window_spent_msat = greatest(window_spent_msat - back, 0)
         WHERE key_hash = r.account_hash;
        IF r.key_hash <> r.account_hash THEN
            UPDATE accounts SET spent_msat = greatest(spent_msat - back, 0), window_spent_msat = greatest(window_spent_msat - back, 0)
             WHERE key_hash = r.key_hash;
        END IF;
        -- reservation_id stays NULL: that column links a reservation to its one charge entry
        INSERT INTO ledger (idem_key, account_hash, key_hash, kind, amount_msat, memo)
        VALUES ('orphan-refund:' || p_id, r.account_hash, r.key_hash, 'adjustment', back,
                'orphan ' || p_id || ' swept at ' || o.charged_msat || ' msat, real cost ' || p_cost);
    END IF;
    UPDATE billing_orphans SET reconciled_cost = p_cost, reconciled_at = now() WHERE reservation_id = p_id;
    RETURN back;
END $$;

-- billing_apply_usage (V4) with the cap at the reservation and the overrun count; its result gains two columns.
DROP FUNCTION billing_apply_usage(UUID[], TEXT[], BIGINT[], TEXT[], BOOLEAN[], BIGINT[], BIGINT[], BIGINT[], TIMESTAMPTZ[]);

-- Applies a batch of usage events in one round trip: records each request id once (a duplicate, in the batch or from
-- before, is a no-op), settles the fresh ones (charge the real cost, release the rest), reconciles swept orphans, and adds
-- the fresh events to usage_hourly. Returns how many events were settled, duplicates, not active, unknown, reconciled.
--
-- Settling is set-based where that provably gives what ledger_settle (V20) gives event by event: a top-level account
-- without a spending limit, whose events in this batch are all its own (no child key): each charge is least(cost,
-- reservation), paid in full from money the reservation already holds. Everything else (child keys, limits) goes through
-- ledger_settle itself, one event at a time. An overrun (cost above the reservation) is charged as the reservation on
-- both paths and counted in overruns / overrun_msat (the msat written off). Lock order as everywhere since V20:
-- reservations (by id), then paying accounts (by key), then child keys (inside ledger_settle).
CREATE FUNCTION billing_apply_usage(p_ids UUID[], p_accounts TEXT[], p_costs BIGINT[], p_models TEXT[], p_errors BOOLEAN[],
                                    p_input BIGINT[], p_output BIGINT[], p_cached BIGINT[], p_at TIMESTAMPTZ[])
    RETURNS TABLE (settled INT, duplicates INT, not_active INT, unknown INT, reconciled INT, overruns INT,
                   overrun_msat BIGINT) LANGUAGE plpgsql AS $$
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
    n_over     INT;
    over_msat  BIGINT;
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
          FROM accounts a WHERE a.key_hash IN (SELECT DISTINCT acct FROM ev) ORDER BY a.key_hash FOR NO KEY UPDATE
    ), fa AS (
        SELECT l.key_hash FROM locked l
          JOIN (SELECT acct, bool_and(key = acct) AS simple FROM ev GROUP BY acct) g ON g.acct = l.key_hash
         WHERE g.simple AND l.parent_hash IS NULL AND l.spending_limit_msat IS NULL
    )
    SELECT coalesce(array_agg(ev.id) FILTER (WHERE fa.key_hash IS NOT NULL), '{}'),
           coalesce(array_agg(ev.acct) FILTER (WHERE fa.key_hash IS NOT NULL), '{}'),
           coalesce(array_agg(ev.amount) FILTER (WHERE fa.key_hash IS NOT NULL), '{}'),
           coalesce(array_agg(least(ev.cost, ev.amount)) FILTER (WHERE fa.key_hash IS NOT NULL), '{}'),
           coalesce(array_agg(ev.id ORDER BY ev.acct, ev.id) FILTER (WHERE fa.key_hash IS NULL), '{}'),
           coalesce(array_agg(ev.cost ORDER BY ev.acct, ev.id) FILTER (WHERE fa.key_hash IS NULL), '{}')
      INTO f_ids, f_accts, f_amounts, f_costs, s_ids, s_costs
      FROM ev LEFT JOIN fa ON fa.key_hash = ev.acct;

    SELECT count(*)::INT, coalesce(sum(t.cost - t.amount), 0) INTO n_over, over_msat
      FROM unnest(a_amounts, a_costs) AS t (amount, cost) WHERE t.cost > t.amount;

    -- 4. the set-based settlement
    UPDATE reservations r SET status = 'settled', finished_at = now(), charged_msat = u.cost
      FROM unnest(f_ids, f_costs) AS u (id, cost)
     WHERE r.id = u.id;
    UPDATE accounts a SET reserved_msat = a.reserved_msat - g.r, spent_msat = a.spent_msat + g.c,
                          window_spent_msat = a.window_spent_msat + g.c
      FROM (SELECT acct, sum(amount) AS r, sum(cost) AS c FROM unnest(f_accts, f_amounts, f_costs) AS t (acct, amount, cost)
             GROUP BY acct) g
     WHERE a.key_hash = g.acct;
    INSERT INTO ledger (idem_key, account_hash, key_hash, kind, amount_msat, unpaid_msat, reservation_id, memo)
    SELECT 'charge:' || t.id, t.acct, t.acct, 'charge', -t.cost, greatest(p.cost_msat, 0) - t.cost, t.id,
           CASE WHEN p.cost_msat > t.cost THEN 'overrun: cost ' || p.cost_msat || ' above reservation ' || t.cost END
      FROM unnest(f_ids, f_accts, f_costs) AS t (id, acct, cost) JOIN billing_processed_events p ON p.request_id = t.id
     ORDER BY t.acct, t.id;
    UPDATE billing_processed_events p SET charged_msat = u.charge, unpaid_msat = p.cost_msat - u.charge
      FROM unnest(f_ids, f_costs) AS u (id, charge)
     WHERE p.request_id = u.id AND p.cost_msat > u.charge;

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

    RETURN QUERY SELECT n_set, coalesce(array_length(p_ids, 1), 0) - coalesce(array_length(fresh, 1), 0), n_na, n_unk, n_rec,
                        n_over, over_msat;
END $$;

