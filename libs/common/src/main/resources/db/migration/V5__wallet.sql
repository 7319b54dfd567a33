-- The wallet-service's books: the ecash it holds (proofs with a state), the operations it runs against mints (each
-- with its NUT-13 counter range reserved before the mint call, so a lost answer can be restored), the tokens it
-- received (by sha256 of the token) and issued (change, refunds, withdrawals: stored before they are returned),
-- Lightning invoices, and the owner's withdrawals. Proofs are claimed here (state CAS under row locks) before any
-- mint call, so two replicas never spend the same proof.

CREATE TABLE wallet_seed (
    id   INT PRIMARY KEY CHECK (id = 1),
    seed TEXT NOT NULL
);

CREATE TABLE wallet_trusted_mints (
    url      TEXT PRIMARY KEY,
    position INT  NOT NULL,
    primary_mint BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE wallet_keysets (
    id            TEXT NOT NULL,
    mint_url      TEXT NOT NULL,
    unit          TEXT NOT NULL,
    input_fee_ppk BIGINT NOT NULL DEFAULT 0,
    active        BOOLEAN NOT NULL,
    seen_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (mint_url, id)
);

-- Next unused NUT-13 counter per keyset id (secrets derive from seed, keyset id and counter only, so the counter must
-- not restart for another mint URL serving the same keyset); a range is taken and committed before outputs are sent.
CREATE TABLE wallet_counters (
    keyset_id    TEXT   PRIMARY KEY,
    mint_url     TEXT   NOT NULL,
    next_counter BIGINT NOT NULL DEFAULT 0 CHECK (next_counter >= 0)
);

-- One mint interaction whose outcome must be known: receive (swap of a token's proofs), send (swap of our proofs into
-- a token plus change), mint (Lightning top-up), foreign (melt at another mint, mint here), melt (pay out).
CREATE TABLE wallet_operations (
    id            UUID PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('receive', 'send', 'mint', 'foreign', 'melt')),
    state         TEXT NOT NULL DEFAULT 'started' CHECK (state IN ('started', 'done', 'failed')),
    mint_url      TEXT NOT NULL,
    unit          TEXT NOT NULL,
    keyset_id     TEXT NOT NULL,
    counter_start BIGINT NOT NULL,
    amounts       JSONB NOT NULL,              -- output amounts in counter order
    send_count    INT NOT NULL DEFAULT 0,      -- for 'send': the first send_count outputs go to the recipient
    inputs        JSONB,                       -- the proofs given to the mint (a received token's, or ours)
    quote_id      TEXT,                        -- mint quote ('mint', 'foreign')
    melt_quote_id TEXT,                        -- melt quote at the source mint ('foreign', 'melt')
    source_mint   TEXT,
    lease_until   TIMESTAMPTZ NOT NULL,        -- until then the starting replica owns it; afterwards recovery does
    error         TEXT,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at   TIMESTAMPTZ
);
CREATE INDEX wallet_operations_open ON wallet_operations (lease_until) WHERE state = 'started';

CREATE TABLE wallet_proofs (
    y            TEXT PRIMARY KEY,             -- hash_to_curve(secret): what the mint knows the proof by
    mint_url     TEXT   NOT NULL,
    unit         TEXT   NOT NULL CHECK (unit IN ('sat', 'msat')),
    keyset_id    TEXT   NOT NULL,
    amount       BIGINT NOT NULL CHECK (amount > 0),
    secret       TEXT   NOT NULL,
    c            TEXT   NOT NULL,
    dleq         JSONB,
    state        TEXT   NOT NULL DEFAULT 'unspent' CHECK (state IN ('unspent', 'pending', 'spent')),
    operation_id UUID REFERENCES wallet_operations (id),
    origin_op    UUID REFERENCES wallet_operations (id),
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX wallet_proofs_unspent ON wallet_proofs (mint_url, unit, amount) WHERE state = 'unspent';
CREATE INDEX wallet_proofs_op ON wallet_proofs (operation_id) WHERE operation_id IS NOT NULL;

-- Tokens received, by sha256 of the exact token string: one redemption per token, whoever asks and however often.
CREATE TABLE wallet_tokens_in (
    token_hash    TEXT PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    purpose       TEXT NOT NULL CHECK (purpose IN ('create', 'bearer', 'x-cashu', 'topup')),
    state         TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'credited', 'failed')),
    account_hash  TEXT NOT NULL,
    account_spec  JSONB,                       -- limits etc. of the key to open when the token is credited
    wrapped_key   TEXT,                        -- the new sk- key, encrypted under a key derived from the token
    mint_url      TEXT NOT NULL,
    unit          TEXT NOT NULL,
    face_amount   BIGINT NOT NULL,
    credited_msat BIGINT,
    fee_msat      BIGINT,
    error_code    TEXT,
    terminal      BOOLEAN NOT NULL DEFAULT false,
    operation_id  UUID REFERENCES wallet_operations (id),
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX wallet_tokens_in_account ON wallet_tokens_in (account_hash, created_at);

-- Tokens and payments issued: change, refunds, withdrawals. The row (with the token) is committed before any response.
CREATE TABLE wallet_tokens_out (
    id            TEXT PRIMARY KEY,            -- idempotency key, e.g. x-cashu-change:<request id>
    kind          TEXT NOT NULL CHECK (kind IN ('change', 'refund', 'withdrawal', 'owner', 'expiry')),
    account_hash  TEXT,
    state         TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'issued', 'failed')),
    debited_msat  BIGINT NOT NULL DEFAULT 0,
    amount        BIGINT NOT NULL DEFAULT 0,   -- in unit
    unit          TEXT NOT NULL,
    mint_url      TEXT NOT NULL,
    token         TEXT,
    recipient     TEXT,
    operation_id  UUID REFERENCES wallet_operations (id),
    error         TEXT,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX wallet_tokens_out_account ON wallet_tokens_out (account_hash, created_at);

CREATE TABLE wallet_mint_quotes (
    quote_id     TEXT NOT NULL,
    mint_url     TEXT NOT NULL,
    amount       BIGINT NOT NULL,
    unit         TEXT NOT NULL,
    request      TEXT NOT NULL,
    state        TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (mint_url, quote_id)
);

CREATE TABLE wallet_melt_quotes (
    quote_id     TEXT NOT NULL,
    mint_url     TEXT NOT NULL,
    amount       BIGINT NOT NULL,
    fee_reserve  BIGINT NOT NULL,
    unit         TEXT NOT NULL,
    request      TEXT NOT NULL,
    state        TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (mint_url, quote_id)
);

-- Lightning top-ups (RIP-08). The invoice id is a bearer secret: only its sha256 is stored.
CREATE TABLE lightning_invoices (
    id_hash      TEXT PRIMARY KEY,
    quote_id     TEXT NOT NULL,
    mint_url     TEXT NOT NULL,
    bolt11       TEXT NOT NULL UNIQUE,
    amount_sats  BIGINT NOT NULL CHECK (amount_sats > 0),
    purpose      TEXT NOT NULL CHECK (purpose IN ('create', 'topup')),
    account_hash TEXT NOT NULL,
    account_spec JSONB,
    wrapped_key  TEXT,                         -- for 'create': the sk- key under a key derived from the invoice id
    wrapped_key_bolt11 TEXT,                   -- the same under a key derived from the bolt11 (for /lightning/recover)
    status       TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'settlement_pending', 'paid', 'expired', 'cancelled', 'reconciliation_required')),
    operation_id UUID REFERENCES wallet_operations (id),
    expires_at   TIMESTAMPTZ NOT NULL,
    paid_at      TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE owner_withdrawals (
    id          UUID PRIMARY KEY,
    amount      BIGINT NOT NULL CHECK (amount > 0),
    unit        TEXT NOT NULL,
    mint_url    TEXT NOT NULL,
    token_out   TEXT NOT NULL REFERENCES wallet_tokens_out (id),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Child-key reset (POST /v1/balance/child-key/reset): its limit window starts again. Only the parent may do it.
CREATE FUNCTION ledger_reset_child(p_child TEXT, p_parent TEXT) RETURNS TEXT LANGUAGE plpgsql AS $$
DECLARE
    parent TEXT;
BEGIN
    SELECT parent_hash INTO parent FROM accounts WHERE key_hash = p_child FOR UPDATE;
    IF NOT FOUND THEN
        RETURN 'not_found';
    END IF;
    IF parent IS DISTINCT FROM p_parent THEN
        RETURN 'not_parent';
    END IF;
    UPDATE accounts SET window_spent_msat = 0, window_start = now() WHERE key_hash = p_child;
    RETURN 'ok';
END $$;
