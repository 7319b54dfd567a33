-- A payout is one durable operation from the moment it debits: its wallet_tokens_out row commits with the debit and
-- carries a lease like wallet_operations. When the replica that debited dies (or throws) before it recorded a mint
-- operation, recovery claims the row once the lease ran out and drives it to issued or given back.
ALTER TABLE wallet_tokens_out ADD COLUMN lease_until TIMESTAMPTZ NOT NULL DEFAULT now();
CREATE INDEX wallet_tokens_out_stalled ON wallet_tokens_out (lease_until) WHERE state = 'pending' AND operation_id IS NULL;
