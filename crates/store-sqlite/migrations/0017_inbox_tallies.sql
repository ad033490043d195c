-- The inbox at a million cases (issue 16). A page of an organisation's open tasks is read from
-- one index that holds every column a line of the page shows, the case's reference included
-- (a case's reference never changes once given), so the page needs no lookup of the task's row
-- or of its case. Only open tasks are in it: done ones are never listed by organisation. The
-- column of the condition is in it too, always empty: SQLite reads an index alone only when it
-- holds every column the statement names, the condition's included.
ALTER TABLE tasks ADD COLUMN case_reference TEXT NOT NULL DEFAULT '';
UPDATE tasks SET case_reference = (SELECT c.reference FROM cases c WHERE c.id = tasks.case_id);
DROP INDEX tasks_open;
CREATE INDEX tasks_open ON tasks(org_code, clock_kind, created_at_ms, id, case_id, case_reference, clock_id, kind, done_at_ms)
    WHERE done_at_ms IS NULL;

-- How many open tasks each organisation has of each kind of clock, maintained where a task is
-- made (a clock runs out) and where it is marked done, so that the inbox's totals read a few
-- rows instead of counting tasks.
CREATE TABLE task_tallies (
    org_code TEXT NOT NULL,
    clock_kind TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (org_code, clock_kind)
);
INSERT INTO task_tallies (org_code, clock_kind, n)
    SELECT org_code, clock_kind, COUNT(*) FROM tasks WHERE done_at_ms IS NULL GROUP BY org_code, clock_kind;
