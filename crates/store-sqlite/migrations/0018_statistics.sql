-- The national statistics place each victim in the year of their first step to presumed or
-- identified victim: these steps alone, in case order, so that the first of each case is read
-- from a small index rather than from every step of every case.
CREATE INDEX case_events_victim ON case_events(case_id, at_ms, to_state) WHERE to_state IN ('presumed_victim', 'identified_victim');
