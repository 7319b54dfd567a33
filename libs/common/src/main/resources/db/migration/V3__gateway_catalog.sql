-- Gateway: the upstream catalog (providers and the models they serve, with USD prices) and the usage outbox.
-- Provider API keys are stored encrypted (AES-256-GCM, key from gateway.secret-key; format "v1:" + base64(nonce || ct+tag)).
CREATE TABLE providers (
    id          BIGSERIAL PRIMARY KEY,
    slug        TEXT        NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9._-]*$'),
    base_url    TEXT        NOT NULL CHECK (base_url ~ '^https?://'),
    api_key_enc TEXT,
    enabled     BOOLEAN     NOT NULL DEFAULT true,
    fee         NUMERIC(12, 6) CHECK (fee IS NULL OR fee > 0),
    priority    INTEGER     NOT NULL DEFAULT 0,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- One row per (public model id, provider): several providers serving one model give the gateway its failover list.
CREATE TABLE models (
    id                    TEXT        NOT NULL,
    provider_id           BIGINT      NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
    upstream_id           TEXT        NOT NULL,
    aliases               TEXT[]      NOT NULL DEFAULT '{}',
    enabled               BOOLEAN     NOT NULL DEFAULT true,
    usd_per_m_input       NUMERIC(20, 10) NOT NULL DEFAULT 0 CHECK (usd_per_m_input >= 0),
    usd_per_m_output      NUMERIC(20, 10) NOT NULL DEFAULT 0 CHECK (usd_per_m_output >= 0),
    usd_per_request       NUMERIC(20, 10) CHECK (usd_per_request >= 0),
    usd_per_image         NUMERIC(20, 10) CHECK (usd_per_image >= 0),
    usd_per_m_cache_read  NUMERIC(20, 10) CHECK (usd_per_m_cache_read >= 0),
    usd_per_m_cache_write NUMERIC(20, 10) CHECK (usd_per_m_cache_write >= 0),
    context_length        INTEGER CHECK (context_length > 0),
    max_completion_tokens INTEGER CHECK (max_completion_tokens > 0),
    created_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (id, provider_id)
);

-- Usage events the gateway could not hand to Kafka; a relay publishes and deletes them once Kafka is back.
CREATE TABLE usage_outbox (
    id         BIGSERIAL PRIMARY KEY,
    request_id TEXT        NOT NULL UNIQUE,
    event_key  TEXT        NOT NULL,
    payload    BYTEA       NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
