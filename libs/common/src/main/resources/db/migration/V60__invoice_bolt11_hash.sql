-- A Lightning-bought key is wrapped under a key derived from the bolt11 (for /lightning/recover): the bolt11 itself must
-- not sit next to it, or a database dump yields the key. Keep only its sha256 (hex of the UTF-8 bytes), as for the id.
ALTER TABLE lightning_invoices ADD COLUMN bolt11_hash TEXT;
UPDATE lightning_invoices SET bolt11_hash = encode(sha256(convert_to(bolt11, 'UTF8')), 'hex');
ALTER TABLE lightning_invoices ALTER COLUMN bolt11_hash SET NOT NULL;
ALTER TABLE lightning_invoices ADD CONSTRAINT lightning_invoices_bolt11_hash_key UNIQUE (bolt11_hash);
ALTER TABLE lightning_invoices DROP COLUMN bolt11;
