-- Retention, erasure and legal hold (mnir.md §13).

-- Each case's data key, wrapped by the key file's key: the case's names, birth date and notes are
-- sealed under it. Erasing the case deletes the row, and with it every copy's means of reading
-- them. A case from before this table has none: its fields are sealed under the key file's key.
CREATE TABLE case_keys (
    case_id TEXT PRIMARY KEY REFERENCES cases(id),
    wrapped BLOB NOT NULL,
    created_at_ms BIGINT NOT NULL
);

-- When the case's identifying data were erased; the row keeps what statistics count.
ALTER TABLE cases ADD COLUMN erased_at_ms BIGINT;

-- A legal hold stops erasure of its case, whatever the schedule, until it is lifted.
CREATE TABLE legal_holds (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    -- A code of domain::retention::HoldReason.
    reason TEXT NOT NULL,
    -- What the hold rests on (a file number, the authority that asked), sealed.
    note BLOB,
    placed_by TEXT REFERENCES users(id),
    placed_org TEXT NOT NULL REFERENCES organisations(code),
    placed_at_ms BIGINT NOT NULL,
    lifted_by TEXT REFERENCES users(id),
    lifted_at_ms BIGINT,
    lift_note BLOB
);
CREATE INDEX legal_holds_case ON legal_holds(case_id, placed_at_ms);

-- A person's request to erase their case (GDPR Art. 17), and how it was answered.
CREATE TABLE erasure_requests (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    -- The local day the request reached the organisation.
    received_on TEXT NOT NULL,
    note BLOB,
    recorded_by TEXT REFERENCES users(id),
    recorded_org TEXT NOT NULL REFERENCES organisations(code),
    recorded_at_ms BIGINT NOT NULL,
    -- A code of domain::retention::ErasureAnswer.
    answer TEXT NOT NULL
);
CREATE INDEX erasure_requests_case ON erasure_requests(case_id, recorded_at_ms);

-- The register of erasures: which case, when, on what basis, by whom (NULL: the schedule, run by
-- the server or the operator).
CREATE TABLE erasures (
    case_id TEXT PRIMARY KEY REFERENCES cases(id),
    basis TEXT NOT NULL,
    request_id TEXT REFERENCES erasure_requests(id),
    erased_by TEXT REFERENCES users(id),
    erased_at_ms BIGINT NOT NULL
);
CREATE INDEX erasures_at ON erasures(erased_at_ms, case_id);

-- Cases by state and last change, for the schedules' look at closed cases.
CREATE INDEX cases_state_updated ON cases(state, updated_at_ms);
