-- A model the operator edited through the admin API (price, aliases, enabled): the gateway's start-up seed no longer
-- overwrites it, so the stored value wins over configuration.
ALTER TABLE models ADD COLUMN custom BOOLEAN NOT NULL DEFAULT false;
