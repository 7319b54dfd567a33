-- Issue 18: a batch of reservations (ReserveGroup's group commit) updates a busy key's account row once, not once per
-- reservation. Each reservation of a batch is decided as ledger_reserve_seeing (V180) would decide it alone, in the
-- batch's lock order (paying account, key, order given), seeing the ones before it. Before, a batch of N reservations of
-- one hot key left N versions of its account row in one transaction; every later read of that row walked them.
--
-- A run is the reservations of one key in a row. A run of two or more of a key that pays for itself and has no limit
-- window (no parent, no limit_reset: nothing rolls) locks the account row once (FOR NO KEY UPDATE, the lock V180's UPDATE
-- takes; a revoked or expired key is refused from a plain read, without a lock, as V180 refuses it), decides each
-- reservation against the row as read plus what the run took so far, then inserts the run's reservation rows and
-- updates the account once. Any other run (a single reservation, a child key, a key with a limit window, an unknown key)
-- goes through ledger_reserve_seeing one reservation at a time, after the run before it is written, so it sees that
-- run's money.
-- A reservation id inserted concurrently under another key between the run's check and its insert fails the batch
-- (unique violation): ReserveGroup then retries the batch one reservation at a time, where V180 answers 'duplicate'.
CREATE FUNCTION ledger_reserve_many(p_ids UUID[], p_keys TEXT[], p_amounts BIGINT[])
    RETURNS TABLE (n BIGINT, outcome TEXT, available_msat BIGINT) LANGUAGE plpgsql AS $$
DECLARE
    r       RECORD;
    k       accounts%ROWTYPE;
    run_key TEXT;     -- the key whose run is being added up (its account row locked), null outside a run
    gate    TEXT;     -- what every reservation of the run answers whatever its amount (revoked, expired), or null
    taken   BIGINT := 0;
    ids     UUID[] := '{}';
    amounts BIGINT[] := '{}';
    last    TEXT;
    alone   RECORD;
BEGIN
    FOR r IN SELECT u.id, u.k, u.a, u.n, count(*) OVER (PARTITION BY u.k) AS c
               FROM unnest(p_ids, p_keys, p_amounts) WITH ORDINALITY AS u(id, k, a, n)
               LEFT JOIN accounts acc ON acc.key_hash = u.k
              ORDER BY coalesce(acc.parent_hash, u.k), u.k, u.n LOOP
        IF r.a < 0 THEN
            RAISE EXCEPTION 'negative reservation' USING ERRCODE = 'check_violation';
        END IF;
        IF last IS DISTINCT FROM r.k THEN
            PERFORM ledger_reserve_run_write(run_key, ids, amounts);
            run_key := NULL;
            taken := 0;
            ids := '{}';
            amounts := '{}';
            last := r.k;
            IF r.c > 1 THEN
                -- a revoked or expired key is answered from a plain read, as V180 answers it: no lock for a refusal
                SELECT * INTO k FROM accounts WHERE key_hash = r.k AND parent_hash IS NULL AND limit_reset IS NULL;
                IF FOUND AND k.status = 'active' AND NOT coalesce(k.valid_until <= now() OR k.expires_at <= now(), false) THEN
                    SELECT * INTO k FROM accounts WHERE key_hash = r.k AND parent_hash IS NULL AND limit_reset IS NULL
                       FOR NO KEY UPDATE;
                END IF;
                IF FOUND THEN
                    run_key := r.k;
                    gate := CASE WHEN k.status <> 'active' THEN k.status
                                 WHEN k.valid_until <= now() OR k.expires_at <= now() THEN 'expired' END;
                END IF;
            END IF;
        END IF;
        n := r.n;
        IF run_key IS NULL THEN
            SELECT s.outcome, s.available_msat INTO alone FROM ledger_reserve_seeing(r.id, r.k, r.a) s;
            outcome := alone.outcome;
            available_msat := alone.available_msat;
            RETURN NEXT;
            CONTINUE;
        END IF;
        IF gate IS NOT NULL THEN
            outcome := gate;
        ELSIF r.id = ANY (ids) OR EXISTS (SELECT 1 FROM reservations WHERE id = r.id) THEN
            outcome := 'duplicate';
        ELSIF k.balance_msat - k.reserved_msat - taken < r.a THEN
            outcome := 'insufficient';
        ELSIF k.spending_limit_msat IS NOT NULL
              AND k.window_spent_msat + k.reserved_msat + taken + r.a > k.spending_limit_msat THEN
            outcome := 'over_limit';
        ELSE
            outcome := 'ok';
            taken := taken + r.a;
            ids := ids || r.id;
            amounts := amounts || r.a;
        END IF;
        available_msat := greatest(k.balance_msat - k.reserved_msat - taken, 0);
        RETURN NEXT;
    END LOOP;
    PERFORM ledger_reserve_run_write(run_key, ids, amounts);
END $$;

-- Writes one run of ledger_reserve_many: its reservation rows, then the account once (its row is locked by the run).
CREATE FUNCTION ledger_reserve_run_write(p_key TEXT, p_ids UUID[], p_amounts BIGINT[]) RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
    IF p_key IS NULL OR cardinality(p_ids) = 0 THEN
        RETURN;
    END IF;
    INSERT INTO reservations (id, account_hash, key_hash, amount_msat)
    SELECT i, p_key, p_key, a FROM unnest(p_ids, p_amounts) AS x(i, a);
    UPDATE accounts SET reserved_msat = reserved_msat + (SELECT sum(a) FROM unnest(p_amounts) AS x(a)),
                        requests = requests + cardinality(p_ids)
     WHERE key_hash = p_key;
END $$;
