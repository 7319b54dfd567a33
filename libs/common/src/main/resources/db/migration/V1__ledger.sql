-- The money core: accounts (one per API key, by key hash), reservations for in-flight requests, and the append-only
-- ledger. Every invariant is enforced here in SQL, so no service can break it by accident:
--   * an account's balance equals the sum of its ledger entries (balance changes only through a ledger insert);
--   * available = balance - reserved never drops below zero, reserved never below zero;
--   * a reservation leaves 'active' once, to 'settled' or 'released';
--   * child keys hold no money: they spend from their parent within their own limit.

CREATE TABLE accounts (
    key_hash            TEXT PRIMARY KEY CHECK (key_hash ~ '^[0-9a-f]{64}$'),
    parent_hash         TEXT REFERENCES accounts (key_hash),
    balance_msat        BIGINT NOT NULL DEFAULT 0,
    reserved_msat       BIGINT NOT NULL DEFAULT 0 CHECK (reserved_msat >= 0),
    spent_msat          BIGINT NOT NULL DEFAULT 0 CHECK (spent_msat >= 0),
    requests            BIGINT NOT NULL DEFAULT 0,
    spending_limit_msat BIGINT CHECK (spending_limit_msat >= 0),
    limit_reset         TEXT CHECK (limit_reset IN ('daily', 'weekly', 'monthly')),
    window_start        TIMESTAMPTZ NOT NULL DEFAULT now(),
    window_spent_msat   BIGINT NOT NULL DEFAULT 0 CHECK (window_spent_msat >= 0),
    valid_until         TIMESTAMPTZ,
    expires_at          TIMESTAMPTZ,
    refund_address      TEXT,
    refund_mint_url     TEXT,
    refund_unit         TEXT CHECK (refund_unit IN ('sat', 'msat')),
    status              TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'expired', 'revoked')),
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT child_holds_no_money CHECK (parent_hash IS NULL OR balance_msat = 0),
    CONSTRAINT available_not_negative CHECK (parent_hash IS NOT NULL OR balance_msat >= reserved_msat)
);
CREATE INDEX accounts_parent ON accounts (parent_hash) WHERE parent_hash IS NOT NULL;
CREATE INDEX accounts_expiry ON accounts (expires_at) WHERE expires_at IS NOT NULL AND status = 'active';

CREATE TABLE reservations (
    id           UUID PRIMARY KEY,
    account_hash TEXT        NOT NULL REFERENCES accounts (key_hash),
    key_hash     TEXT        NOT NULL REFERENCES accounts (key_hash),
    amount_msat  BIGINT      NOT NULL CHECK (amount_msat >= 0),
    charged_msat BIGINT CHECK (charged_msat >= 0),
    status       TEXT        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'settled', 'released')),
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    heartbeat_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at  TIMESTAMPTZ
);
CREATE INDEX reservations_active ON reservations (heartbeat_at) WHERE status = 'active';
CREATE INDEX reservations_account ON reservations (account_hash, created_at);

CREATE TABLE ledger (
    id             BIGSERIAL PRIMARY KEY,
    idem_key       TEXT        NOT NULL UNIQUE,
    account_hash   TEXT        NOT NULL REFERENCES accounts (key_hash),
    key_hash       TEXT        NOT NULL,
    kind           TEXT        NOT NULL CHECK (kind IN ('deposit', 'charge', 'refund', 'withdrawal', 'adjustment')),
    amount_msat    BIGINT      NOT NULL,
    unpaid_msat    BIGINT      NOT NULL DEFAULT 0 CHECK (unpaid_msat >= 0),
    reservation_id UUID,
    memo           TEXT,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT ledger_sign CHECK ((kind = 'deposit' AND amount_msat > 0)
        OR (kind IN ('charge', 'refund', 'withdrawal') AND amount_msat <= 0)
        OR kind = 'adjustment')
);
CREATE INDEX ledger_account ON ledger (account_hash, id);

CREATE TABLE settings (
    name       TEXT PRIMARY KEY,
    value      JSONB       NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- A ledger insert is the only way a balance moves.
CREATE FUNCTION ledger_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE accounts SET balance_msat = balance_msat + NEW.amount_msat
     WHERE key_hash = NEW.account_hash AND parent_hash IS NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'ledger entry for an unknown or child account' USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER ledger_apply AFTER INSERT ON ledger FOR EACH ROW EXECUTE FUNCTION ledger_apply();

CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the ledger is append-only' USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON ledger FOR EACH ROW EXECUTE FUNCTION ledger_append_only();

CREATE FUNCTION accounts_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.balance_msat <> 0 OR NEW.reserved_msat <> 0 OR NEW.spent_msat <> 0 THEN
            RAISE EXCEPTION 'a new account starts empty' USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.parent_hash IS NOT NULL
           AND EXISTS (SELECT 1 FROM accounts WHERE key_hash = NEW.parent_hash AND parent_hash IS NOT NULL) THEN
            RAISE EXCEPTION 'a child key cannot have children' USING ERRCODE = 'check_violation';
        END IF;
    ELSIF NEW.balance_msat IS DISTINCT FROM OLD.balance_msat AND pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION 'balances change only through the ledger' USING ERRCODE = 'integrity_constraint_violation';
    ELSIF NEW.parent_hash IS DISTINCT FROM OLD.parent_hash THEN
        RAISE EXCEPTION 'a key cannot change parent' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER accounts_guard BEFORE INSERT OR UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION accounts_guard();

CREATE FUNCTION reservations_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status <> 'active' AND NEW.status IS DISTINCT FROM OLD.status THEN
        RAISE EXCEPTION 'reservation % is already %', OLD.id, OLD.status USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER reservations_once BEFORE UPDATE ON reservations FOR EACH ROW EXECUTE FUNCTION reservations_once();

-- Starts a new limit window when the period of a key's window has passed.
CREATE FUNCTION ledger_roll_window(p_key TEXT) RETURNS void LANGUAGE sql AS $$
    UPDATE accounts
       SET window_spent_msat = 0,
           window_start = date_trunc(CASE limit_reset WHEN 'daily' THEN 'day' WHEN 'weekly' THEN 'week' ELSE 'month' END, now())
     WHERE key_hash = p_key AND limit_reset IS NOT NULL
       AND date_trunc(CASE limit_reset WHEN 'daily' THEN 'day' WHEN 'weekly' THEN 'week' ELSE 'month' END, now()) > window_start;
$$;

-- Reserves p_amount for request p_id on key p_key. Returns 'ok', 'duplicate', 'unknown_key', 'expired', 'revoked',
-- 'insufficient' or 'over_limit'. Lock order everywhere: reservation, child, parent.
CREATE FUNCTION ledger_reserve(p_id UUID, p_key TEXT, p_amount BIGINT) RETURNS TEXT LANGUAGE plpgsql AS $$
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
    PERFORM ledger_roll_window(billing);
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

-- Settles reservation p_id at p_cost: charges what the account can pay without touching money other requests hold
-- (and within the keys' limits), releases the rest. Returns one row (charged, unpaid), or none when the reservation was
-- not active (already settled or released, or unknown): a second settle changes nothing.
CREATE FUNCTION ledger_settle(p_id UUID, p_cost BIGINT, p_memo TEXT)
    RETURNS TABLE (charged BIGINT, unpaid BIGINT) LANGUAGE plpgsql AS $$
DECLARE
    r      reservations%ROWTYPE;
    charge BIGINT := greatest(p_cost, 0);
    room   BIGINT;
BEGIN
    UPDATE reservations SET status = 'settled', finished_at = now()
     WHERE id = p_id AND status = 'active' RETURNING * INTO r;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    IF r.key_hash <> r.account_hash THEN
        SELECT coalesce(spending_limit_msat - window_spent_msat - (reserved_msat - r.amount_msat), charge)
          INTO room FROM accounts WHERE key_hash = r.key_hash FOR UPDATE;
        charge := least(charge, greatest(room, 0));
    END IF;
    SELECT least(balance_msat - (reserved_msat - r.amount_msat),
                 coalesce(spending_limit_msat - window_spent_msat - (reserved_msat - r.amount_msat), charge))
      INTO room FROM accounts WHERE key_hash = r.account_hash FOR UPDATE;
    charge := least(charge, greatest(room, 0));
    IF r.key_hash <> r.account_hash THEN
        UPDATE accounts SET reserved_msat = reserved_msat - r.amount_msat, spent_msat = spent_msat + charge,
                            window_spent_msat = window_spent_msat + charge
         WHERE key_hash = r.key_hash;
    END IF;
    UPDATE accounts SET reserved_msat = reserved_msat - r.amount_msat, spent_msat = spent_msat + charge,
                        window_spent_msat = window_spent_msat + charge
     WHERE key_hash = r.account_hash;
    INSERT INTO ledger (idem_key, account_hash, key_hash, kind, amount_msat, unpaid_msat, reservation_id, memo)
    VALUES ('charge:' || p_id, r.account_hash, r.key_hash, 'charge', -charge, greatest(p_cost, 0) - charge, p_id, p_memo);
    UPDATE reservations SET charged_msat = charge WHERE id = p_id;
    RETURN QUERY SELECT charge, greatest(p_cost, 0) - charge;
END $$;

-- Releases reservation p_id in full (nothing was served). True when it was active.
CREATE FUNCTION ledger_release(p_id UUID) RETURNS BOOLEAN LANGUAGE plpgsql AS $$
DECLARE
    r reservations%ROWTYPE;
BEGIN
    UPDATE reservations SET status = 'released', finished_at = now(), charged_msat = 0
     WHERE id = p_id AND status = 'active' RETURNING * INTO r;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    IF r.key_hash <> r.account_hash THEN
        UPDATE accounts SET reserved_msat = reserved_msat - r.amount_msat, requests = requests - 1 WHERE key_hash = r.key_hash;
    END IF;
    UPDATE accounts SET reserved_msat = reserved_msat - r.amount_msat, requests = requests - 1 WHERE key_hash = r.account_hash;
    RETURN true;
END $$;

-- Adds money: a deposit (or a positive adjustment). True when applied, false when the idempotency key was seen.
CREATE FUNCTION ledger_credit(p_account TEXT, p_amount BIGINT, p_kind TEXT, p_idem TEXT, p_memo TEXT)
    RETURNS BOOLEAN LANGUAGE plpgsql AS $$
BEGIN
    IF p_amount <= 0 OR p_kind NOT IN ('deposit', 'adjustment') THEN
        RAISE EXCEPTION 'a credit is a positive deposit or adjustment' USING ERRCODE = 'check_violation';
    END IF;
    INSERT INTO ledger (idem_key, account_hash, key_hash, kind, amount_msat, memo)
    VALUES (p_idem, p_account, p_account, p_kind, p_amount, p_memo)
    ON CONFLICT (idem_key) DO NOTHING;
    RETURN FOUND;
END $$;

-- Takes money out (refund, withdrawal): p_amount, or everything available when NULL. Never touches reserved money.
-- Returns ('ok', amount), ('duplicate', amount first taken) or ('insufficient', available).
CREATE FUNCTION ledger_debit(p_account TEXT, p_amount BIGINT, p_kind TEXT, p_idem TEXT, p_memo TEXT)
    RETURNS TABLE (outcome TEXT, amount BIGINT) LANGUAGE plpgsql AS $$
DECLARE
    avail BIGINT;
    prior BIGINT;
BEGIN
    IF p_kind NOT IN ('refund', 'withdrawal') OR p_amount < 0 THEN
        RAISE EXCEPTION 'a debit is a non-negative refund or withdrawal' USING ERRCODE = 'check_violation';
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
