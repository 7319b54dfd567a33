-- The guarantee V6 dropped with the ledger's foreign key: an account with ledger history cannot be deleted (nor its key
-- changed), so no entry ever points at nothing. Checked where accounts change, once per DELETE statement over the deleted
-- rows (an index lookup per row through ledger_account), instead of a key-share lock on the account per ledger row.
-- A child key's entries carry the parent in account_hash and the child in key_hash, so they are found through the parent.
CREATE FUNCTION ledger_guard_accounts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    held TEXT;
BEGIN
    SELECT g.key_hash INTO held FROM gone g
     WHERE EXISTS (SELECT 1 FROM ledger l WHERE l.account_hash = g.key_hash)
        OR (g.parent_hash IS NOT NULL
            AND EXISTS (SELECT 1 FROM ledger l WHERE l.account_hash = g.parent_hash AND l.key_hash = g.key_hash))
     LIMIT 1;
    IF held IS NOT NULL THEN
        RAISE EXCEPTION 'account % has ledger entries and cannot be deleted', left(held, 12) || '…'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER ledger_guard_delete AFTER DELETE ON accounts REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_guard_accounts();

-- a key is never renamed by the code; refuse it outright (the WHEN clause costs ordinary updates nothing of plpgsql)
CREATE FUNCTION ledger_guard_key_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'an account''s key_hash cannot change' USING ERRCODE = 'foreign_key_violation';
END $$;

CREATE TRIGGER ledger_guard_rename BEFORE UPDATE ON accounts
    FOR EACH ROW WHEN (OLD.key_hash IS DISTINCT FROM NEW.key_hash) EXECUTE FUNCTION ledger_guard_key_change();
