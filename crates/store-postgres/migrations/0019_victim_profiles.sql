-- The victim profile of a case (HTCDS 2.0 victim and exploitation fields, mnir.md §11), recorded
-- once the person is presumed a victim and kept current. Its values are codes of closed lists
-- (HTCDS value names, ISO country and county codes): nothing here is free text.
CREATE TABLE victim_profiles (
    case_id TEXT PRIMARY KEY REFERENCES cases(id),
    age_when_trafficked BIGINT,
    org_code TEXT NOT NULL REFERENCES organisations(code),
    recorded_by TEXT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);

-- One row per value, in the order the profile keeps them, so that the statistics count victims
-- by any value of a multi-valued field with an aggregate query.
CREATE TABLE victim_profile_values (
    case_id TEXT NOT NULL REFERENCES victim_profiles(case_id),
    -- A `ProfileField` code: citizenship, exploitation_types, recruitment_place, ...
    field TEXT NOT NULL,
    position BIGINT NOT NULL,
    code TEXT NOT NULL,
    PRIMARY KEY (case_id, field, position)
);
CREATE INDEX victim_profile_values_field ON victim_profile_values(field, code, case_id);
