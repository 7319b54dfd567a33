-- The orphan sweep after a crash raced billing's catch-up: it charged reservations whose usage events were still on the
-- topic. billing_sweep_orphan_before sweeps only what lapsed before p_cutoff, a moment as of which billing has consumed the
-- usage topic up to its end (the billing-service finds it, OrphanSweeper/LogWatermark), and never one whose event waits in
-- a gateway's outbox. What is then truly orphaned (the gateway died with the event unsent) is charged what the account's
-- recent requests really cost, on average (its last 20 settled, not swept, reservations; an account without any: the
-- reservation), never more than the reservation: the upstream's answer was most
-- likely on its way, so the 4,096-token worst case is not what it cost. A usage event that still arrives later corrects
-- the charge down to the real cost (billing_reconcile_orphan); a real cost above the estimate is not collected afterwards.
CREATE FUNCTION billing_sweep_orphan_before(p_id UUID, p_cutoff TIMESTAMPTZ) RETURNS BIGINT LANGUAGE plpgsql AS $$
DECLARE
    r       RECORD;
    typical BIGINT;
    s       RECORD;
BEGIN
    SELECT id, account_hash, amount_msat, heartbeat_at INTO r FROM reservations
     WHERE id = p_id AND status = 'active' AND heartbeat_at < p_cutoff
       FOR UPDATE SKIP LOCKED;
    IF NOT FOUND OR EXISTS (SELECT 1 FROM usage_outbox WHERE request_id = p_id::text) THEN
        RETURN NULL;
    END IF;
    SELECT avg(x.charged_msat)::BIGINT INTO typical
      FROM (SELECT v.charged_msat FROM reservations v
             WHERE v.account_hash = r.account_hash AND v.status = 'settled' AND v.charged_msat IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM billing_orphans o WHERE o.reservation_id = v.id)
             ORDER BY v.created_at DESC LIMIT 20) x;
    SELECT * INTO s FROM ledger_settle(p_id, least(r.amount_msat, coalesce(typical, r.amount_msat)),
                                       'orphan: no heartbeat since ' || r.heartbeat_at || ', charged the typical cost');
    INSERT INTO billing_orphans (reservation_id, charged_msat) VALUES (p_id, s.charged);
    RETURN s.charged;
END $$;
