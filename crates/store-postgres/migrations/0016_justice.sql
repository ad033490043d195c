-- The criminal-justice track beside assistance, the non-punishment flag, and the disclosures of
-- support records to investigating bodies (mnir.md §9). Every free text (a file number, an
-- office, a court, an offence, a note) is encrypted by the program before it reaches these tables
-- (bound to table, column and row). Days are the jurisdiction's calendar days, `YYYY-MM-DD`.

-- An investigating body (police, prosecutors, labour inspectors) stays outside the support
-- compartment whatever its staff's roles. Law-enforcement bodies always are; the Romanian
-- labour inspectorate of the default organisations is one too.
ALTER TABLE organisations ADD COLUMN investigates BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE organisations SET investigates = TRUE
    WHERE org_type = 'LawEnforcement' OR (code = 'IM' AND org_type = 'CentralGovernmentOrganisation');

-- Criminal proceedings in which the person takes part. Kept current: an update is audited with
-- what changed.
CREATE TABLE proceedings (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    -- injured_party, witness, injured_party_and_witness, none
    standing TEXT NOT NULL,
    file_number BYTEA,
    prosecutor_office BYTEA,
    court BYTEA,
    opened_on TEXT NOT NULL,
    -- pending, sent_to_trial, dismissed, conviction, acquittal
    outcome TEXT NOT NULL,
    outcome_on TEXT,
    -- The protection measures ordered for the person, codes separated by commas in their order.
    measures TEXT NOT NULL,
    org_code TEXT NOT NULL REFERENCES organisations(code),
    recorded_by TEXT NOT NULL,
    recorded_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);
CREATE INDEX proceedings_case ON proceedings(case_id, opened_on);

CREATE TABLE hearings (
    id TEXT PRIMARY KEY,
    proceeding_id TEXT NOT NULL REFERENCES proceedings(id),
    case_id TEXT NOT NULL REFERENCES cases(id),
    held_on TEXT NOT NULL,
    -- statement, court_hearing, confrontation, other
    kind TEXT NOT NULL,
    note BYTEA,
    recorded_by TEXT NOT NULL,
    recorded_at_ms BIGINT NOT NULL
);
CREATE INDEX hearings_case ON hearings(case_id, held_on);

-- Offences the person was compelled to commit (the non-punishment principle).
CREATE TABLE non_punishment_flags (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    offence BYTEA,
    -- The proceedings it concerns, when recorded in the track.
    proceeding_id TEXT REFERENCES proceedings(id),
    org_code TEXT NOT NULL REFERENCES organisations(code),
    recorded_by TEXT NOT NULL,
    recorded_at_ms BIGINT NOT NULL
);
CREATE INDEX non_punishment_case ON non_punishment_flags(case_id);

-- A support record let out of its compartment: to whom, on what ground, which records, until
-- when. A disclosure by consent ends when its consent no longer covers sharing with police.
CREATE TABLE disclosures (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    recipient_org TEXT NOT NULL REFERENCES organisations(code),
    -- consent or prosecutor_order
    basis TEXT NOT NULL,
    consent_id TEXT REFERENCES consents(id),
    order_number BYTEA,
    order_on TEXT,
    order_office BYTEA,
    -- risk_assessments, plan: codes separated by commas in their order.
    records TEXT NOT NULL,
    until_on TEXT NOT NULL,
    org_code TEXT NOT NULL REFERENCES organisations(code),
    recorded_by TEXT NOT NULL,
    recorded_at_ms BIGINT NOT NULL,
    ended_at_ms BIGINT,
    ended_by TEXT
);
CREATE INDEX disclosures_case ON disclosures(case_id, recorded_at_ms);
-- The register read by key, newest first: nationally, and for a recipient.
CREATE INDEX disclosures_recorded ON disclosures(recorded_at_ms, id);
CREATE INDEX disclosures_recipient ON disclosures(recipient_org, recorded_at_ms, id);
