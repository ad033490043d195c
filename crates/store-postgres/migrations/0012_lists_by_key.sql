-- Lists that cost the same at the first page and at the last (issue 16).
--
-- An organisation's list walks its access rows, so each row carries what the list sorts and
-- filters by: the case's notification time, state and county, kept equal to the case's in the
-- transactions that change them (a case's county never changes; its state changes only by a
-- transition, which updates these rows too). The list then reads one index range and stops after
-- a page, instead of testing every case against the scope.
ALTER TABLE case_access ADD COLUMN case_notified_at_ms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE case_access ADD COLUMN case_state TEXT NOT NULL DEFAULT '';
ALTER TABLE case_access ADD COLUMN case_county TEXT NOT NULL DEFAULT '';
UPDATE case_access SET
    case_notified_at_ms = (SELECT c.notified_at_ms FROM cases c WHERE c.id = case_access.case_id),
    case_state = (SELECT c.state FROM cases c WHERE c.id = case_access.case_id),
    case_county = (SELECT c.found_in_county FROM cases c WHERE c.id = case_access.case_id);

-- The list's order is (notification time, id), newest first; each filter has the index that
-- keeps that order inside it. The old (org_code, case_id) index goes: what it answered (the rows
-- of one organisation) each of these answers too, and a case's own row is found by the key.
DROP INDEX case_access_org;
CREATE INDEX case_access_list ON case_access(org_code, case_notified_at_ms, case_id);
CREATE INDEX case_access_state ON case_access(org_code, case_state, case_notified_at_ms, case_id);
CREATE INDEX case_access_county ON case_access(org_code, case_county, case_notified_at_ms, case_id);
CREATE INDEX case_access_state_county ON case_access(org_code, case_state, case_county, case_notified_at_ms, case_id);

-- The same orders over every case, for the national view, and over a screener's own cases.
DROP INDEX cases_notified;
DROP INDEX cases_created_by;
CREATE INDEX cases_list ON cases(notified_at_ms, id);
CREATE INDEX cases_state ON cases(state, notified_at_ms, id);
CREATE INDEX cases_county ON cases(found_in_county, notified_at_ms, id);
CREATE INDEX cases_state_county ON cases(state, found_in_county, notified_at_ms, id);
CREATE INDEX cases_created_by ON cases(created_by, notified_at_ms, id);

-- How many cases each organisation sees, per county and state, maintained in the transactions
-- that create cases and change their state, so that a list's total and a dashboard never count
-- rows. org_code '*' counts every case (the national view); it is not an organisation's code.
CREATE TABLE case_tallies (
    org_code TEXT NOT NULL,
    county TEXT NOT NULL,
    state TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (org_code, county, state)
);
INSERT INTO case_tallies (org_code, county, state, n)
    SELECT org_code, case_county, case_state, COUNT(*) FROM case_access GROUP BY org_code, case_county, case_state;
INSERT INTO case_tallies (org_code, county, state, n)
    SELECT '*', found_in_county, state, COUNT(*) FROM cases GROUP BY found_in_county, state;

-- The identification decisions each organisation sees, with how many differ from the engine's
-- advice, maintained where a decision is recorded ('*' again for all of them).
CREATE TABLE decision_tallies (
    org_code TEXT PRIMARY KEY,
    decisions BIGINT NOT NULL,
    differing BIGINT NOT NULL
);
INSERT INTO decision_tallies (org_code, decisions, differing)
    SELECT a.org_code, COUNT(*), SUM(CASE WHEN d.differs_from_advice THEN 1 ELSE 0 END)
    FROM identification_decisions d JOIN case_access a ON a.case_id = d.case_id GROUP BY a.org_code;
INSERT INTO decision_tallies (org_code, decisions, differing)
    SELECT '*', COUNT(*), COALESCE(SUM(CASE WHEN d.differs_from_advice THEN 1 ELSE 0 END), 0)
    FROM identification_decisions d;

-- An inbox reads its organisation's open tasks oldest first, a page at a time, of the kinds of
-- clock the user's view asks for: each task carries its clock's kind, and each kind is one range
-- of the index, so a view whose tasks are rare among the organisation's does not walk the others.
ALTER TABLE tasks ADD COLUMN clock_kind TEXT NOT NULL DEFAULT '';
UPDATE tasks SET clock_kind = (SELECT k.kind FROM clocks k WHERE k.id = tasks.clock_id);
DROP INDEX tasks_org;
CREATE INDEX tasks_open ON tasks(org_code, done_at_ms, clock_kind, created_at_ms, id);

-- and its coming deadlines, soonest first (the old index began with the state, across every
-- organisation's clocks).
CREATE INDEX clocks_org_due ON clocks(org_code, state, due_at_ms, id);
