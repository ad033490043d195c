-- Referrals between organisations (mnir.md §6). The recipient sees only the minimum data set of
-- the service, and only while the consent that allowed the referral stays in force.
CREATE TABLE referrals (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    from_org TEXT NOT NULL REFERENCES organisations(code),
    to_org TEXT NOT NULL REFERENCES organisations(code),
    service TEXT NOT NULL,
    urgent BOOLEAN NOT NULL,
    status TEXT NOT NULL,
    sent_by TEXT NOT NULL,
    sent_at_ms BIGINT NOT NULL,
    answered_by TEXT,
    answered_at_ms BIGINT,
    decline_reason BYTEA
);
CREATE INDEX referrals_case ON referrals(case_id);
CREATE INDEX referrals_to ON referrals(to_org, status);
