-- Issue 13: a revoked key's money is the operator's, all of it. The revoke takes what is available at once; what its
-- in-flight requests held (reserved) comes free only when they settle or are released, and then goes to the operator too,
-- never back to the revoked key. Both are booked under their own ledger kind, 'forfeit' (a revoke is not a withdrawal).

ALTER TABLE ledger DROP CONSTRAINT ledger_kind_check;
ALTER TABLE ledger ADD CONSTRAINT ledger_kind_check
    CHECK (kind IN ('deposit', 'charge', 'refund', 'withdrawal', 'adjustment', 'forfeit'));
ALTER TABLE ledger DROP CONSTRAINT ledger_sign;
ALTER TABLE ledger ADD CONSTRAINT ledger_sign CHECK ((kind = 'deposit' AND amount_msat > 0)
    OR (kind IN ('charge', 'refund', 'withdrawal', 'forfeit') AND amount_msat <= 0)
    OR kind = 'adjustment');

-- As V1, with 'forfeit' among the kinds of debit.
CREATE OR REPLACE FUNCTION ledger_debit(p_account TEXT, p_amount BIGINT, p_kind TEXT, p_idem TEXT, p_memo TEXT)
    RETURNS TABLE (outcome TEXT, amount BIGINT) LANGUAGE plpgsql AS $$
DECLARE
    avail BIGINT;
    prior BIGINT;
BEGIN
    IF p_kind NOT IN ('refund', 'withdrawal', 'forfeit') OR p_amount < 0 THEN
        RAISE EXCEPTION 'a debit is a non-negative refund, withdrawal or forfeit' USING ERRCODE = 'check_violation';
    END IF;
    SELECT balance_msat - reserved_msat INTO avail FROM accounts
     WHERE key_hash = p_account AND parent_hash IS NULL FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no such account' USING ERRCODE = 'foreign_key_violation';
    END IF;
    SELECT -amount_msat INTO prior FROM ledger WHERE idem_key = p_idem;
    IF FOUND THEN
        RETURN QUERY SELECT 'duplicate'::TEXT, prior;
        RETURN;
    END IF;
    IF avail < coalesce(p_amount, 0) OR (p_amount IS NULL AND avail <= 0) THEN
        RETURN QUERY SELECT 'insufficient'::TEXT, avail;
        RETURN;
    END IF;
    INSERT INTO ledger (idem_key, account_hash, key_hash, kind, amount_msat, memo)
    VALUES (p_idem, p_account, p_account, p_kind, -coalesce(p_amount, avail), p_memo);
    RETURN QUERY SELECT 'ok'::TEXT, coalesce(p_amount, avail);
END $$;

-- Forfeits whatever a revoked top-level account holds beyond its reservations. Runs deferred, at the commit of any
-- transaction that changed such an account (a settle or release of a request in flight at the revoke, the set-based
-- settlement of billing_apply_usage, an orphan sweep or its reconciliation, a failed payout given back), so it sees the
-- transaction's final state: the charge is booked, the reservation gone, and only then is the rest taken. The WHEN clause
-- keeps every other account's updates free of it. One entry per account and transaction; its own balance update queues
-- one more run, which finds nothing left.
CREATE FUNCTION ledger_forfeit_revoked() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    avail BIGINT;
BEGIN
    SELECT balance_msat - reserved_msat INTO avail FROM accounts
     WHERE key_hash = NEW.key_hash AND status = 'revoked' AND parent_hash IS NULL FOR NO KEY UPDATE;
    IF FOUND AND avail > 0 THEN
        INSERT INTO ledger (idem_key, account_hash, key_hash, kind, amount_msat, memo)
        VALUES ('forfeit:' || NEW.key_hash || ':' || txid_current(), NEW.key_hash, NEW.key_hash, 'forfeit', -avail,
                'revoked key: money freed after the revoke goes to the operator')
        ON CONFLICT (idem_key) DO NOTHING;
    END IF;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER accounts_forfeit_revoked AFTER UPDATE ON accounts DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (NEW.status = 'revoked' AND NEW.parent_hash IS NULL) EXECUTE FUNCTION ledger_forfeit_revoked();
