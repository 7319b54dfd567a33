-- admin-service's index of the cluster's log records (routstr.logs.v1). The partition and offset make a redelivered record
-- a no-op; the retention job deletes old rows.
CREATE TABLE admin_logs (
    id              BIGSERIAL PRIMARY KEY,
    at              TIMESTAMPTZ NOT NULL,
    level           TEXT        NOT NULL,
    service         TEXT        NOT NULL,
    logger          TEXT        NOT NULL,
    message         TEXT        NOT NULL,
    request_id      TEXT,
    kafka_partition INT         NOT NULL,
    kafka_offset    BIGINT      NOT NULL,
    UNIQUE (kafka_partition, kafka_offset)
);
CREATE INDEX admin_logs_at ON admin_logs (at);
CREATE INDEX admin_logs_request ON admin_logs (request_id) WHERE request_id IS NOT NULL;
