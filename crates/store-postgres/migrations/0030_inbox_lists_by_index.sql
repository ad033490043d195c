-- The inbox's lists read from index ranges (issue 16).
--
-- When a procedure's follow-up was closed: its end (a closed follow-up is never reopened). The
-- inbox lists an organisation's returns still under way, the oldest first; with this column they
-- are one range of a partial index per side (the organisation running the return, the partner
-- receiving it) instead of every procedure the organisation ever had, each looked up in its steps.
ALTER TABLE repatriations ADD COLUMN follow_up_done_at_ms BIGINT;
UPDATE repatriations SET follow_up_done_at_ms = (
    SELECT COALESCE(s.recorded_at_ms, repatriations.opened_at_ms) FROM repatriation_steps s
    WHERE s.repatriation_id = repatriations.id AND s.step = 'follow_up' AND s.state = 'done'
);
CREATE INDEX repatriations_under_way ON repatriations(org_code, opened_at_ms, id)
    WHERE cancelled_at_ms IS NULL AND follow_up_done_at_ms IS NULL;
CREATE INDEX repatriations_under_way_partner ON repatriations(partner_org, opened_at_ms, id)
    WHERE cancelled_at_ms IS NULL AND follow_up_done_at_ms IS NULL;

-- The referrals awaiting an organisation's answer, oldest first: the inbox reads the first few
-- and counts the rest from this range.
CREATE INDEX referrals_awaiting ON referrals(to_org, sent_at_ms, id) WHERE status = 'sent';
