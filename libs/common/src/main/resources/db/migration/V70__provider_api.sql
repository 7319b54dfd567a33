-- Which API a provider speaks: 'openai' (chat completions and the rest) or 'anthropic' (the Messages API, served
-- natively by /v1/messages; other endpoints are not routed to it).
ALTER TABLE providers ADD COLUMN api TEXT NOT NULL DEFAULT 'openai' CHECK (api IN ('openai', 'anthropic'));
