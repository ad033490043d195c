-- The reflection period offered to a foreign presumed victim (mnir.md §7; Law 678/2001
-- art. 39^1). An accepted offer starts the `reflection_period` clock; while that clock runs the
-- person carries a no-removal flag that immigration sees.
CREATE TABLE reflection_periods (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    offered_at_ms BIGINT NOT NULL,
    accepted BOOLEAN NOT NULL,
    language TEXT NOT NULL,
    org_code TEXT NOT NULL REFERENCES organisations(code),
    offered_by TEXT NOT NULL,
    clock_id TEXT,
    ended_at_ms BIGINT,
    outcome TEXT,
    end_reason BYTEA
);
CREATE INDEX reflection_periods_case ON reflection_periods(case_id);
CREATE INDEX clocks_kind_state ON clocks(kind, state);
-- One reflection period at a time per case, even when two offers are accepted at once.
CREATE UNIQUE INDEX clocks_one_reflection_period ON clocks(case_id)
    WHERE kind = 'reflection_period' AND state IN ('running', 'paused');
