-- Tasks about staff rather than about a case, for the supervisors of an organisation. The first
-- kind is `certificate_ending`: a staff member's training certificate reaches its last day
-- within the profile's notice (mnir.md §12), so that the supervisor plans the new course before
-- the certificate, and with it a screener role, lapses. A break-glass access (mnir.md §13) raises
-- `break_glass_review` for the user's supervisors and for ANITP, and `break_glass_notice` for
-- each organisation the case is routed to.
CREATE TABLE staff_tasks (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    -- The organisation whose supervisors see the task.
    org_code TEXT NOT NULL REFERENCES organisations(code),
    -- What the task is about: a certificate's id, or a break-glass access's.
    subject_id TEXT NOT NULL,
    -- The staff member it concerns.
    user_id TEXT REFERENCES users(id),
    created_at_ms BIGINT NOT NULL,
    done_at_ms BIGINT,
    done_by TEXT REFERENCES users(id),
    -- How it ended: `handled` by a supervisor, `renewed` by a new certificate, `revoked`,
    -- `lapsed` (the certificate ended first), `left` (the holder's account was disabled);
    -- a review's finding (`justified`, `not_justified`); `seen` for a notice.
    outcome TEXT,
    -- The reviewer's words (sealed).
    note BYTEA,
    UNIQUE (kind, subject_id, org_code)
);
CREATE INDEX staff_tasks_open ON staff_tasks(org_code, kind, done_at_ms);
