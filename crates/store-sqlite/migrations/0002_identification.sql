-- Indicator catalogues imported by a coordinator. The built-in catalogue lives in the binary;
-- a row here with active = TRUE replaces it until another is activated.
CREATE TABLE catalogues (
    version TEXT PRIMARY KEY,
    source_csv TEXT NOT NULL,
    indicator_count BIGINT NOT NULL,
    imported_at_ms BIGINT NOT NULL,
    imported_by TEXT,
    active BOOLEAN NOT NULL DEFAULT FALSE
);

-- Each saved identification interview is a new row: earlier answers stay as they were.
CREATE TABLE interviews (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    catalogue_version TEXT NOT NULL,
    profile TEXT NOT NULL,
    act BOOLEAN,
    -- code=present|absent, one per answered indicator, comma-separated (not identifying).
    marks TEXT NOT NULL,
    -- JSON object code -> evidence note, encrypted (free text).
    evidence BLOB NOT NULL,
    outcome TEXT NOT NULL,
    created_by TEXT NOT NULL,
    org_code TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
);
CREATE INDEX interviews_case ON interviews(case_id, created_at_ms);

CREATE TABLE identification_decisions (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    interview_id TEXT REFERENCES interviews(id),
    decision TEXT NOT NULL,
    engine_outcome TEXT,
    differs_from_advice BOOLEAN NOT NULL,
    reasons BLOB NOT NULL,
    decided_by TEXT NOT NULL,
    org_code TEXT NOT NULL,
    decided_at_ms BIGINT NOT NULL
);
CREATE INDEX decisions_case ON identification_decisions(case_id);
