-- Issue 18, the reservation on the hot path. Same decisions as ledger_reserve (V20), two changes:
--   * it also answers what the paying account has available right after it (this reservation held), read by the same
--     UPDATE; for any other outcome what a 402 reports as available (the gateway read the account again for that),
--     never below zero, 0 for an unknown key;
--   * the paying account is locked (its UPDATE) before the reservation row is inserted. The insert's foreign-key checks
--     then find the row already locked by this transaction; before, they took a key-share lock on an account row
--     another transaction was updating, so every request of a busy key piled a multixact onto that row (most of
--     PostgreSQL's CPU for one hot key). A duplicate id is found first by a primary-key lookup; one reserved concurrently
--     is found again when this call's account update fails after waiting for it (the retry answers 'duplicate', not
--     'insufficient', as V20's insert-first order did), or caught by ON CONFLICT, the account changes then undone in the
--     same transaction.
-- Lock order, as for billing: the paying account, then the child key; the new reservation row is invisible to others
-- until commit, so no other transaction can hold it. The one new wait: holding accounts, on a concurrent insert of the
-- same id. Request ids are made by the node, so one id under two keys at once (which could deadlock two batches of
-- ReserveGroup; PostgreSQL then aborts one, and the group retries its reservations one by one) takes a caller reusing
-- ids across keys.
CREATE FUNCTION ledger_reserve_seeing(p_id UUID, p_key TEXT, p_amount BIGINT, OUT outcome TEXT, OUT available_msat BIGINT)
    LANGUAGE plpgsql AS $$
DECLARE
    k       accounts%ROWTYPE;
    billing TEXT;
BEGIN
    IF p_amount < 0 THEN
        RAISE EXCEPTION 'negative reservation' USING ERRCODE = 'check_violation';
    END IF;
    SELECT * INTO k FROM accounts WHERE key_hash = p_key;
    IF NOT FOUND THEN
        outcome := 'unknown_key';
        available_msat := 0;
        RETURN;
    END IF;
    billing := coalesce(k.parent_hash, k.key_hash);
    IF k.status <> 'active' THEN
        outcome := k.status;
    ELSIF k.valid_until <= now() OR k.expires_at <= now() THEN
        outcome := 'expired';
    ELSIF EXISTS (SELECT 1 FROM reservations WHERE id = p_id) THEN
        outcome := 'duplicate';
    END IF;
    IF outcome IS NULL THEN
        IF k.parent_hash IS NOT NULL OR k.limit_reset IS NOT NULL THEN
            PERFORM ledger_roll_window(billing);
        END IF;
        UPDATE accounts SET reserved_msat = reserved_msat + p_amount, requests = requests + 1
         WHERE key_hash = billing AND status = 'active'
           AND (valid_until IS NULL OR valid_until > now()) AND (expires_at IS NULL OR expires_at > now())
           AND balance_msat - reserved_msat >= p_amount
           AND (spending_limit_msat IS NULL OR window_spent_msat + reserved_msat + p_amount <= spending_limit_msat)
        RETURNING balance_msat - reserved_msat INTO available_msat;
        IF NOT FOUND AND EXISTS (SELECT 1 FROM reservations WHERE id = p_id) THEN
            outcome := 'duplicate'; -- the same id, reserved by a call this one waited for, took the money first
        ELSIF NOT FOUND THEN
            SELECT CASE WHEN status <> 'active' THEN status
                        WHEN valid_until <= now() OR expires_at <= now() THEN 'expired'
                        WHEN balance_msat - reserved_msat < p_amount THEN 'insufficient'
                        ELSE 'over_limit' END
              INTO outcome FROM accounts WHERE key_hash = billing;
        ELSIF k.parent_hash IS NOT NULL THEN
            IF k.limit_reset IS NOT NULL THEN
                PERFORM ledger_roll_window(p_key);
            END IF;
            UPDATE accounts SET reserved_msat = reserved_msat + p_amount, requests = requests + 1
             WHERE key_hash = p_key AND status = 'active'
               AND (spending_limit_msat IS NULL OR window_spent_msat + reserved_msat + p_amount <= spending_limit_msat);
            IF NOT FOUND THEN
                UPDATE accounts SET reserved_msat = reserved_msat - p_amount, requests = requests - 1 WHERE key_hash = billing;
                outcome := CASE WHEN EXISTS (SELECT 1 FROM reservations WHERE id = p_id) THEN 'duplicate' ELSE 'over_limit' END;
            END IF;
        END IF;
        IF outcome IS NULL THEN
            INSERT INTO reservations (id, account_hash, key_hash, amount_msat) VALUES (p_id, billing, p_key, p_amount)
            ON CONFLICT (id) DO NOTHING;
            IF FOUND THEN
                outcome := 'ok';
                RETURN;
            END IF;
            -- the same id reserved by a concurrent call that committed in between: give back what this call took
            UPDATE accounts SET reserved_msat = reserved_msat - p_amount, requests = requests - 1
             WHERE key_hash IN (billing, p_key);
            outcome := 'duplicate';
        END IF;
    END IF;
    SELECT greatest(balance_msat - reserved_msat, 0) INTO available_msat FROM accounts WHERE key_hash = billing;
END $$;

-- ledger_reserve keeps its name and result for SQL callers (tests, benchmarks); the decision is ledger_reserve_seeing's.
CREATE OR REPLACE FUNCTION ledger_reserve(p_id UUID, p_key TEXT, p_amount BIGINT) RETURNS TEXT LANGUAGE sql AS $$
    SELECT outcome FROM ledger_reserve_seeing(p_id, p_key, p_amount);
$$;
