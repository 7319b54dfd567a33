-- Rate-limit windows shared by every gateway replica: one row per subject (a key hash or a client address, prefixed by
-- what it is). A gateway takes a batch of its limit at a time (rate_limit_take) and counts it down in memory, so the
-- database sees one statement per batch, never one per request, and all replicas together never pass the limit.
-- UNLOGGED: a crash of PostgreSQL forgets the windows, which only resets the counts (no money is involved).
CREATE UNLOGGED TABLE rate_limit_windows (
    subject    TEXT PRIMARY KEY,
    started_at TIMESTAMPTZ NOT NULL,
    window_ms  BIGINT      NOT NULL CHECK (window_ms > 0),
    used       INT         NOT NULL CHECK (used >= 0)
);

-- Grants up to p_want of the p_limit requests of the subject's current window (a new window starts with the first
-- request after the last one ended) and says how long the window still runs.
CREATE FUNCTION rate_limit_take(p_subject TEXT, p_want INT, p_limit INT, p_window_ms BIGINT,
                                OUT granted INT, OUT remaining_ms BIGINT) LANGUAGE plpgsql AS $$
DECLARE
    t       TIMESTAMPTZ := clock_timestamp();
    started TIMESTAMPTZ;
    n       INT;
BEGIN
    INSERT INTO rate_limit_windows (subject, started_at, window_ms, used) VALUES (p_subject, t, p_window_ms, 0)
    ON CONFLICT (subject) DO NOTHING;
    SELECT w.started_at, w.used INTO started, n FROM rate_limit_windows w WHERE w.subject = p_subject FOR UPDATE;
    IF t >= started + p_window_ms * INTERVAL '1 millisecond' THEN
        started := t;
        n := 0;
    END IF;
    granted := LEAST(p_want, GREATEST(0, p_limit - n));
    UPDATE rate_limit_windows SET started_at = started, window_ms = p_window_ms, used = n + granted
     WHERE subject = p_subject;
    remaining_ms := GREATEST(1, CEIL(EXTRACT(EPOCH FROM (started + p_window_ms * INTERVAL '1 millisecond' - t)) * 1000))::BIGINT;
END $$;
