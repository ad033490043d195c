-- The inbox's page of open tasks when the view holds a large share of them (issue 16): one range
-- of an organisation's open tasks, oldest first, whatever their kind of clock, stopped at a page,
-- instead of a page read per kind and merged. It carries every column a line of the page shows.
CREATE INDEX tasks_open_by_age ON tasks(org_code, created_at_ms, id)
    INCLUDE (clock_kind, case_id, case_reference, clock_id, kind, done_at_ms) WHERE done_at_ms IS NULL;
