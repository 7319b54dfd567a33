-- discovery-service: the completed UTC days whose kind-38422 usage report was published (each day once).
CREATE TABLE discovery_usage_reports (
    day          DATE PRIMARY KEY,
    event_id     TEXT        NOT NULL,
    published_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
