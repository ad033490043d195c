-- Risk and special-needs assessments (mnir.md §8). Each save is a new version of the case's
-- assessment; nothing here is ever updated but the answer to its urgent needs. The notes are
-- encrypted by the program before they reach this table (bound to table, column and row).
CREATE TABLE risk_assessments (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    version BIGINT NOT NULL,
    -- `first_contact` (the urgent questions) or `full` (every domain rated).
    kind TEXT NOT NULL,
    org_code TEXT NOT NULL REFERENCES organisations(code),
    assessed_by TEXT NOT NULL,
    assessed_at_ms BIGINT NOT NULL,
    -- The highest domain level, `low`, `medium` or `high`; NULL for a first contact.
    overall TEXT,
    -- Any "yes" to an urgent question; open until a referral or a later asking answers it.
    urgent_any BOOLEAN NOT NULL,
    urgent_answered_at_ms BIGINT,
    urgent_answered_by TEXT,
    -- The risk_review_* clock a full assessment started.
    clock_id TEXT,
    UNIQUE (case_id, version)
);
-- Only the open urgent needs, for the inbox's banner: a handful of rows whatever the history.
CREATE INDEX risk_urgent_open ON risk_assessments(assessed_at_ms)
    WHERE urgent_any AND urgent_answered_at_ms IS NULL;

CREATE TABLE risk_ratings (
    assessment_id TEXT NOT NULL REFERENCES risk_assessments(id),
    domain TEXT NOT NULL,
    severity INTEGER NOT NULL CHECK (severity BETWEEN 1 AND 3),
    likelihood INTEGER NOT NULL CHECK (likelihood BETWEEN 1 AND 3),
    note BYTEA,
    PRIMARY KEY (assessment_id, domain)
);

CREATE TABLE risk_urgent_answers (
    assessment_id TEXT NOT NULL REFERENCES risk_assessments(id),
    question TEXT NOT NULL,
    answer BOOLEAN NOT NULL,
    note BYTEA,
    PRIMARY KEY (assessment_id, question)
);
