-- Legal clocks (mnir.md §7). `due_at_ms` is NULL while a clock is paused; the pauses are kept
-- as JSON [[from_ms, until_ms|null], ...] and their reasons, free text, encrypted.
CREATE TABLE clocks (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    kind TEXT NOT NULL,
    org_code TEXT NOT NULL REFERENCES organisations(code),
    length TEXT NOT NULL,
    on_expiry TEXT NOT NULL,
    started_at_ms BIGINT NOT NULL,
    due_at_ms BIGINT,
    state TEXT NOT NULL,
    pauses TEXT NOT NULL,
    pause_reasons BYTEA,
    stopped_at_ms BIGINT,
    fired_at_ms BIGINT
);
CREATE INDEX clocks_due ON clocks(state, due_at_ms);
CREATE INDEX clocks_case ON clocks(case_id);

-- What an expired clock asks of an organisation. One task per clock at most: the UNIQUE
-- constraint makes a second scheduler's attempt fail instead of duplicating the task.
CREATE TABLE tasks (
    id TEXT PRIMARY KEY,
    clock_id TEXT NOT NULL UNIQUE REFERENCES clocks(id),
    case_id TEXT NOT NULL REFERENCES cases(id),
    org_code TEXT NOT NULL REFERENCES organisations(code),
    kind TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    done_at_ms BIGINT,
    done_by TEXT
);
CREATE INDEX tasks_org ON tasks(org_code, done_at_ms);
