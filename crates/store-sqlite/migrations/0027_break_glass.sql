-- Break-glass accesses (mnir.md §13): a user opens a case not routed to their organisation, with
-- a reason, until `expires_at_ms` (or until they end it). Audit entries about the case written
-- while one is open carry its id.
CREATE TABLE break_glass (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    org_code TEXT NOT NULL REFERENCES organisations(code),
    -- A code of the profile's short list.
    reason TEXT NOT NULL,
    -- The user's own words (sealed).
    note BLOB NOT NULL,
    opened_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    ended_at_ms BIGINT
);
CREATE INDEX break_glass_user ON break_glass(user_id, expires_at_ms);
CREATE INDEX break_glass_case ON break_glass(case_id, opened_at_ms);
