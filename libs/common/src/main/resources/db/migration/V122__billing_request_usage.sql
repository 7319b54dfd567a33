-- Issue 13: the Sessions tab's recent requests show each request's model, tokens and cost. Billing writes one row per
-- request it settles, in the settlement transaction (a redelivered event adds nothing: the request id is the key), and
-- housekeeping deletes rows older than billing.processed-retention (30 days), so the table stays bounded.
CREATE TABLE billing_request_usage (
    request_id    UUID PRIMARY KEY,
    key_hash      TEXT        NOT NULL,
    model         TEXT        NOT NULL,
    status        INT         NOT NULL,
    input_tokens  BIGINT      NOT NULL,
    output_tokens BIGINT      NOT NULL,
    cached_tokens BIGINT      NOT NULL,
    cost_msat     BIGINT      NOT NULL,
    at            TIMESTAMPTZ NOT NULL
);
CREATE INDEX billing_request_usage_at ON billing_request_usage (at);
-- the Sessions details read a key's newest reservations (a child key's are under its own key_hash)
CREATE INDEX reservations_key ON reservations (key_hash, created_at);
