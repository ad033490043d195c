-- Each access row carries since when its case has urgent needs nobody has answered (NULL when it
-- has none), kept in the transactions that raise and answer them, so that an organisation's inbox
-- reads its own open needs from one index range instead of walking those of the whole country.
ALTER TABLE case_access ADD COLUMN urgent_since_ms BIGINT;
UPDATE case_access SET urgent_since_ms = (
    SELECT MIN(a.assessed_at_ms) FROM risk_assessments a
    WHERE a.case_id = case_access.case_id AND a.urgent_any AND a.urgent_answered_at_ms IS NULL
);
CREATE INDEX case_access_urgent ON case_access(org_code, urgent_since_ms, case_id)
    WHERE urgent_since_ms IS NOT NULL;
DROP INDEX risk_urgent_open;
