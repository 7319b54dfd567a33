-- Issue 13 (optional part): admin login with a NIP-98 signed event. Each event's id is used once cluster-wide (a captured
-- Authorization header cannot log in again); rows older than the event's 60 s window are pruned at each login.
CREATE TABLE admin_nostr_events (
    event_id TEXT PRIMARY KEY CHECK (event_id ~ '^[0-9a-f]{64}$'),
    used_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
