-- Information on rights given to the person, and consent per recipient and purpose (mnir.md §5).
CREATE TABLE information_given (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    rights TEXT NOT NULL,
    language TEXT NOT NULL,
    interpreter BOOLEAN NOT NULL,
    mediator BOOLEAN NOT NULL,
    notice_version TEXT NOT NULL,
    given_by TEXT NOT NULL,
    org_code TEXT NOT NULL,
    given_at_ms BIGINT NOT NULL
);
CREATE INDEX information_case ON information_given(case_id);

CREATE TABLE consents (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    purpose TEXT NOT NULL,
    recipient_org TEXT REFERENCES organisations(code),
    given_by TEXT NOT NULL,
    method TEXT NOT NULL,
    given_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT,
    withdrawn_at_ms BIGINT,
    recorded_by TEXT NOT NULL,
    org_code TEXT NOT NULL
);
CREATE INDEX consents_case ON consents(case_id);
