-- The referral directory (mnir.md §6): what each organisation offers, where, to whom, in which
-- languages, and how many places it has now.
CREATE TABLE directory (
    org_code TEXT PRIMARY KEY REFERENCES organisations(code),
    services TEXT NOT NULL,
    counties TEXT NOT NULL,
    target_groups TEXT NOT NULL,
    languages TEXT NOT NULL,
    capacity BIGINT,
    updated_at_ms BIGINT NOT NULL,
    updated_by TEXT
);
