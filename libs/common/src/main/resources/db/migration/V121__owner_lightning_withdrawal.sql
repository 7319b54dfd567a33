-- Issue 13: the operator withdraws to Lightning (a NUT-05 melt of the wallet's own proofs). Such a payout is a
-- wallet_tokens_out row of kind 'owner_ln' (amount = the invoice's sats, recipient = the address or invoice), committed
-- together with the claimed proofs and its melt operation, so it is durable and idempotent by its id like every payout;
-- fee is what the payment really cost on top (Lightning fee plus the mint's input fee), known once it is paid.
ALTER TABLE wallet_tokens_out DROP CONSTRAINT wallet_tokens_out_kind_check;
ALTER TABLE wallet_tokens_out ADD CONSTRAINT wallet_tokens_out_kind_check
    CHECK (kind IN ('change', 'refund', 'withdrawal', 'owner', 'expiry', 'owner_ln'));
ALTER TABLE wallet_tokens_out ADD COLUMN fee BIGINT NOT NULL DEFAULT 0;
CREATE INDEX wallet_tokens_out_owner ON wallet_tokens_out (created_at) WHERE kind IN ('owner', 'owner_ln');
