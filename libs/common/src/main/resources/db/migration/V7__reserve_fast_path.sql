-- The reserve is the one database round trip on the gateway's hot path. A plain key (no parent, no limit period) has no
-- limit window to roll, so it skips that UPDATE: one statement less per request. Otherwise as in V1.
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
    IF k.valid_until IS NOT NULL AND k.valid_until <= now() THEN
        RETURN 'expired';
    END IF;
    billing := coalesce(k.parent_hash, k.key_hash);
    INSERT INTO reservations (id, account_hash, key_hash, amount_msat) VALUES (p_id, billing, p_key, p_amount)
    ON CONFLICT (id) DO NOTHING;
    IF NOT FOUND THEN
        RETURN 'duplicate';
    END IF;
    IF k.parent_hash IS NOT NULL THEN
        IF k.limit_reset IS NOT NULL THEN
            PERFORM ledger_roll_window(p_key);
        END IF;
        UPDATE accounts SET reserved_msat = reserved_msat + p_amount, requests = requests + 1
         WHERE key_hash = p_key AND status = 'active'
           AND (spending_limit_msat IS NULL OR window_spent_msat + reserved_msat + p_amount <= spending_limit_msat);
        IF NOT FOUND THEN
            DELETE FROM reservations WHERE id = p_id;
            RETURN 'over_limit';
        END IF;
    END IF;
    IF k.parent_hash IS NOT NULL OR k.limit_reset IS NOT NULL THEN
        PERFORM ledger_roll_window(billing);
    END IF;
    UPDATE accounts SET reserved_msat = reserved_msat + p_amount, requests = requests + 1
     WHERE key_hash = billing AND status = 'active'
       AND balance_msat - reserved_msat >= p_amount
       AND (spending_limit_msat IS NULL OR window_spent_msat + reserved_msat + p_amount <= spending_limit_msat);
    IF NOT FOUND THEN
        SELECT CASE WHEN status <> 'active' THEN status
                    WHEN balance_msat - reserved_msat < p_amount THEN 'insufficient'
                    ELSE 'over_limit' END
          INTO reason FROM accounts WHERE key_hash = billing;
        IF k.parent_hash IS NOT NULL THEN
            UPDATE accounts SET reserved_msat = reserved_msat - p_amount, requests = requests - 1 WHERE key_hash = p_key;
        END IF;
        DELETE FROM reservations WHERE id = p_id;
        RETURN reason;
    END IF;
    RETURN 'ok';
END $$;
