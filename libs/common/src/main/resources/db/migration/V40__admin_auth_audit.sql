-- admin-service: operator accounts, sessions, API tokens, login throttling and the audit log.
CREATE TABLE admin_users (
    username      TEXT PRIMARY KEY,
    password_hash TEXT        NOT NULL,           -- $argon2id$v=19$m=..,t=..,p=..$salt$hash
    must_change   BOOLEAN     NOT NULL DEFAULT false,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- a session is known by the SHA-256 of its cookie value; the CSRF token is bound to it
CREATE TABLE admin_sessions (
    id_hash      TEXT PRIMARY KEY,
    username     TEXT        NOT NULL REFERENCES admin_users (username) ON DELETE CASCADE,
    csrf_token   TEXT        NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_seen_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX admin_sessions_expiry ON admin_sessions (expires_at);

CREATE TABLE admin_tokens (
    id           BIGSERIAL PRIMARY KEY,
    name         TEXT        NOT NULL,
    token_hash   TEXT        NOT NULL UNIQUE,
    preview      TEXT        NOT NULL,
    created_by   TEXT        NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_used_at TIMESTAMPTZ,
    expires_at   TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);

-- failures per subject ('user:<name>' or 'addr:<ip>'); locked_until grows with each failure past the threshold
CREATE TABLE admin_login_failures (
    subject      TEXT PRIMARY KEY,
    failures     INT         NOT NULL,
    last_failure TIMESTAMPTZ NOT NULL DEFAULT now(),
    locked_until TIMESTAMPTZ
);

CREATE TABLE admin_audit (
    id      BIGSERIAL PRIMARY KEY,
    at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor   TEXT        NOT NULL,
    action  TEXT        NOT NULL,
    target  TEXT        NOT NULL,
    before  JSONB,
    after   JSONB,
    address TEXT
);
CREATE INDEX admin_audit_at ON admin_audit (at DESC);
