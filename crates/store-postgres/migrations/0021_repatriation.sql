-- Assisted voluntary repatriation (mnir.md §10): a procedure per return, in either direction,
-- with its eight steps. Names, document numbers, notes and the step's details (itinerary, who
-- meets the person, where they stay) are encrypted; codes and days are not. `version` counts the
-- procedure's changes, so that two people moving it at once cannot both pass its guards.
CREATE TABLE repatriations (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    direction TEXT NOT NULL,
    partner_org TEXT NOT NULL REFERENCES organisations(code),
    country TEXT NOT NULL,
    org_code TEXT NOT NULL REFERENCES organisations(code),
    opened_by TEXT NOT NULL,
    opened_at_ms BIGINT NOT NULL,
    cancelled_at_ms BIGINT,
    cancel_reason BYTEA,
    approved_by TEXT,
    approved_at_ms BIGINT,
    -- The return's risk assessment the approval was given on: a later one needs its own.
    approved_assessment_id TEXT,
    version BIGINT NOT NULL
);
CREATE INDEX repatriations_case ON repatriations(case_id);
-- One procedure under way per case: a second is opened only once the first is cancelled.
CREATE UNIQUE INDEX repatriations_one_open ON repatriations(case_id) WHERE cancelled_at_ms IS NULL;

CREATE TABLE repatriation_steps (
    repatriation_id TEXT NOT NULL REFERENCES repatriations(id),
    step TEXT NOT NULL,
    state TEXT NOT NULL,
    happened_on TEXT,
    responsible_org TEXT REFERENCES organisations(code),
    responsible_person BYTEA,
    documents BYTEA,
    note BYTEA,
    details BYTEA,
    recorded_by TEXT,
    recorded_at_ms BIGINT,
    PRIMARY KEY (repatriation_id, step)
);

-- A return's risk assessment names the partner in the country of return it was made with.
ALTER TABLE risk_assessments ADD COLUMN partner_org TEXT REFERENCES organisations(code);
