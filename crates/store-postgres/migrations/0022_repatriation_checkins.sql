-- The follow-up check-ins after a return (mnir.md §10): one row per deadline of the
-- `repatriation_followup` clock, made with the reception, and what the check-in found once it is
-- recorded. The person's situation (housing, work, health, safety, worries of re-trafficking) is
-- encrypted; whether contact was made is not, so that the statistics can count check-ins done.
CREATE TABLE repatriation_checkins (
    repatriation_id TEXT NOT NULL REFERENCES repatriations(id),
    number BIGINT NOT NULL,
    due_on TEXT NOT NULL,
    clock_id TEXT NOT NULL REFERENCES clocks(id),
    -- Who checks in: the receiving organisation in Romania, or the case's organisation.
    org_code TEXT NOT NULL REFERENCES organisations(code),
    happened_on TEXT,
    contact_made BOOLEAN,
    situation BYTEA,
    new_assessment_asked BOOLEAN NOT NULL DEFAULT FALSE,
    recorded_by TEXT,
    recorded_at_ms BIGINT,
    PRIMARY KEY (repatriation_id, number)
);
