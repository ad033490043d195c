-- The inbox's lists and the coordinator's counts read from index ranges and kept counts (issue 16).
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

-- How many procedures stand each way (direction; under way, complete or cancelled; the days from
-- the request to the travel when both are done), kept with every change of a procedure: the
-- coordinator's dashboard reads these rows instead of every procedure with three of its steps.
-- `mnir tallies verify` compares them with a full count, `mnir tallies rebuild` rewrites them.
CREATE TABLE repatriation_tallies (
    direction TEXT NOT NULL,
    standing TEXT NOT NULL,
    travelled BOOLEAN NOT NULL,
    -- 0 when it has not travelled.
    days BIGINT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (direction, standing, travelled, days)
);
INSERT INTO repatriation_tallies (direction, standing, travelled, days, n)
SELECT direction, standing, travelled, days, COUNT(*) FROM (
    SELECT r.direction AS direction,
        CASE WHEN r.cancelled_at_ms IS NOT NULL THEN 'cancelled'
             WHEN t.state = 'done' AND v.state = 'done' THEN 'complete'
             ELSE 'under_way' END AS standing,
        COALESCE(q.state = 'done' AND q.happened_on IS NOT NULL AND t.state = 'done' AND t.happened_on IS NOT NULL, 0) AS travelled,
        CASE WHEN q.state = 'done' AND q.happened_on IS NOT NULL AND t.state = 'done' AND t.happened_on IS NOT NULL
             THEN CAST(julianday(t.happened_on) - julianday(q.happened_on) AS BIGINT) ELSE 0 END AS days
    FROM repatriations r
    LEFT JOIN repatriation_steps q ON q.repatriation_id = r.id AND q.step = 'request'
    LEFT JOIN repatriation_steps t ON t.repatriation_id = r.id AND t.step = 'travel'
    LEFT JOIN repatriation_steps v ON v.repatriation_id = r.id AND v.step = 'reception'
) AS standings
GROUP BY direction, standing, travelled, days;

-- When a referral's answer became overdue (its response clock ran out), kept on the referral
-- while it awaits its answer: ANITP's dashboard lists the longest overdue from this index and
-- counts them, where it read every expired response clock there ever was (an answer given late
-- leaves its clock expired).
ALTER TABLE referrals ADD COLUMN overdue_since_ms BIGINT;
-- The unary `+` keeps SQLite from answering each lookup from the (state, due) index, which
-- walks every expired clock per referral (39 s at 100,000 cases against 0.02 s by referral).
UPDATE referrals SET overdue_since_ms = (
    SELECT MIN(k.due_at_ms) FROM clocks k
    WHERE k.referral_id = referrals.id AND +k.kind = 'referral_response' AND +k.state = 'expired'
) WHERE status = 'sent';
CREATE INDEX referrals_overdue ON referrals(overdue_since_ms, id)
    WHERE status = 'sent' AND overdue_since_ms IS NOT NULL;
