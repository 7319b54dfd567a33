-- Ledger inserts move balances once per statement instead of once per row: one UPDATE per account a statement touches,
-- so a batch of N settlements (billing inserts thousands of charge rows in one statement) runs the trigger once, not N
-- times. The rule is V1's: a ledger insert is the only way a balance moves, and an entry for an unknown or a child
-- account is refused. That check (every account a statement names is updated) also replaces the per-row foreign key,
-- which cost a key-share lock on the account per ledger row.
DROP TRIGGER ledger_apply ON ledger;
ALTER TABLE ledger DROP CONSTRAINT ledger_account_hash_fkey;
DROP FUNCTION ledger_apply();

CREATE FUNCTION ledger_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    wanted  INT;
    applied INT;
BEGIN
    SELECT count(DISTINCT account_hash) INTO wanted FROM new_entries;
    IF wanted = 0 THEN
        RETURN NULL;
    END IF;
    UPDATE accounts a SET balance_msat = a.balance_msat + s.total
      FROM (SELECT account_hash, sum(amount_msat) AS total FROM new_entries GROUP BY account_hash) s
     WHERE a.key_hash = s.account_hash AND a.parent_hash IS NULL;
    GET DIAGNOSTICS applied = ROW_COUNT;
    IF applied <> wanted THEN
        RAISE EXCEPTION 'ledger entry for an unknown or child account' USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER ledger_apply AFTER INSERT ON ledger REFERENCING NEW TABLE AS new_entries
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_apply();
