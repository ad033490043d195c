-- The individual safety and support plan (mnir.md §8–§9) and the services delivered against it.
-- Each save of a plan is a new version; a version gains only its acknowledgements afterwards.
-- Every free text (who carries a measure out, a shelter's address, objectives, outcomes, a
-- witness) is encrypted by the program before it reaches these tables (bound to table, column
-- and row). Days are the jurisdiction's calendar days, `YYYY-MM-DD`.
CREATE TABLE support_plans (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    version BIGINT NOT NULL,
    org_code TEXT NOT NULL REFERENCES organisations(code),
    drafted_by TEXT NOT NULL,
    drafted_at_ms BIGINT NOT NULL,
    -- The full assessment the plan was drafted from.
    assessment_id TEXT NOT NULL REFERENCES risk_assessments(id),
    review_on TEXT NOT NULL,
    UNIQUE (case_id, version)
);

CREATE TABLE plan_measures (
    plan_id TEXT NOT NULL REFERENCES support_plans(id),
    -- confidential_shelter, police_protection, witness_protection, phone_change, escort, other
    measure TEXT NOT NULL,
    responsible BYTEA,
    due_on TEXT NOT NULL,
    detail BYTEA,
    shelter_address BYTEA,
    PRIMARY KEY (plan_id, measure)
);

-- One HTCDS support-plan entry (spl_Type, spl_Objectives, spl_ActionPlan, spl_PlannedEndDate,
-- spl_ActualEndDate) per service of a version.
CREATE TABLE plan_services (
    plan_id TEXT NOT NULL REFERENCES support_plans(id),
    service_type TEXT NOT NULL,
    provider_org TEXT REFERENCES organisations(code),
    objectives BYTEA,
    action_plan BYTEA,
    planned_end_on TEXT NOT NULL,
    actual_end_on TEXT,
    -- planned, in_progress, completed, cancelled
    status TEXT NOT NULL,
    PRIMARY KEY (plan_id, service_type)
);

-- The person's and the assessor's acknowledgement of a version, once each.
CREATE TABLE plan_acknowledgements (
    plan_id TEXT NOT NULL REFERENCES support_plans(id),
    -- person or assessor
    party TEXT NOT NULL,
    -- signed_on_paper or verbal_with_witness
    way TEXT NOT NULL,
    acknowledged_on TEXT NOT NULL,
    witness BYTEA,
    recorded_by TEXT NOT NULL,
    recorded_at_ms BIGINT NOT NULL,
    PRIMARY KEY (plan_id, party)
);

-- Services delivered to the person (the assistance of mnir.md §9), against the plan's kinds.
CREATE TABLE service_deliveries (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    service_type TEXT NOT NULL,
    delivered_on TEXT NOT NULL,
    -- The mechanism's organisation that delivered it, or else the provider as typed.
    provider_org TEXT REFERENCES organisations(code),
    provider_other BYTEA,
    outcome BYTEA,
    org_code TEXT NOT NULL REFERENCES organisations(code),
    recorded_by TEXT NOT NULL,
    recorded_at_ms BIGINT NOT NULL
);
CREATE INDEX service_deliveries_case ON service_deliveries(case_id, delivered_on);
