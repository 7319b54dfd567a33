-- Issue 20 (wire compatibility with Routstr clients).

-- A fee the node charges a key outside any request (the child-key cost): a 'charge' entry that also counts in the key's
-- spent total, as the reference counts child-key cost in the parent's total_spent. Never touches reserved money.
-- Returns ('ok', amount), ('duplicate', amount first charged) or ('insufficient', available).
CREATE FUNCTION ledger_fee(p_account TEXT, p_amount BIGINT, p_idem TEXT, p_memo TEXT)
    RETURNS TABLE (outcome TEXT, amount BIGINT) LANGUAGE plpgsql AS $$
DECLARE
    avail BIGINT;
    prior BIGINT;
BEGIN
    IF p_amount IS NULL OR p_amount <= 0 THEN
        RAISE EXCEPTION 'a fee is positive' USING ERRCODE = 'check_violation';
    END IF;
    SELECT balance_msat - reserved_msat INTO avail FROM accounts
     WHERE key_hash = p_account AND parent_hash IS NULL FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no such account' USING ERRCODE = 'foreign_key_violation';
    END IF;
    SELECT -amount_msat INTO prior FROM ledger WHERE idem_key = p_idem;
    IF FOUND THEN
        RETURN QUERY SELECT 'duplicate'::TEXT, prior;
        RETURN;
    END IF;
    IF avail < p_amount THEN
        RETURN QUERY SELECT 'insufficient'::TEXT, avail;
        RETURN;
    END IF;
    INSERT INTO ledger (idem_key, account_hash, key_hash, kind, amount_msat, memo)
    VALUES (p_idem, p_account, p_account, 'charge', -p_amount, p_memo);
    UPDATE accounts SET spent_msat = spent_msat + p_amount WHERE key_hash = p_account;
    RETURN QUERY SELECT 'ok'::TEXT, p_amount;
END $$;

-- Previews of keys, taken when the key was in hand (a key is stored hashed and cannot be shown again): a child key's own
-- preview, and the preview of the parent key that created it (the reference's parent_key_preview). 8 hex digits of a
-- 64-digit key: not enough to use it.
CREATE TABLE wallet_key_previews (
    key_hash   TEXT PRIMARY KEY CHECK (key_hash ~ '^[0-9a-f]{64}$'),
    preview    TEXT NOT NULL CHECK (length(preview) <= 16),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Donations (POST /v1/balance/donate): redeemed into the node's proofs, credited to no key, so they are the owner's.
ALTER TABLE wallet_tokens_in DROP CONSTRAINT wallet_tokens_in_purpose_check;
ALTER TABLE wallet_tokens_in ADD CONSTRAINT wallet_tokens_in_purpose_check
    CHECK (purpose IN ('create', 'bearer', 'x-cashu', 'topup', 'donate'));
