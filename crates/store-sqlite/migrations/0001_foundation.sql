-- Timestamps are epoch milliseconds (BIGINT) so both backends store and compare them alike.
-- Columns holding identifying data or free text are BLOBs of XChaCha20-Poly1305 ciphertext.
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE organisations (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    org_type TEXT NOT NULL,
    kind TEXT NOT NULL,
    county TEXT,
    identify_power TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at_ms BIGINT NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    login TEXT NOT NULL UNIQUE,
    org_code TEXT NOT NULL REFERENCES organisations(code),
    roles TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until_ms BIGINT,
    created_at_ms BIGINT NOT NULL
);

CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at_ms BIGINT NOT NULL,
    last_seen_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL
);

CREATE TABLE cases (
    id TEXT PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL,
    given_name BLOB NOT NULL,
    family_name BLOB NOT NULL,
    birth_date BLOB,
    notes BLOB,
    sex TEXT NOT NULL,
    citizenship TEXT NOT NULL,
    found_in_county TEXT NOT NULL,
    age_years BIGINT,
    age_group TEXT NOT NULL,
    exploitation TEXT,
    signals TEXT NOT NULL,
    notifying_org TEXT NOT NULL REFERENCES organisations(code),
    created_by TEXT REFERENCES users(id),
    notified_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);
CREATE INDEX cases_notified ON cases(notified_at_ms DESC);
CREATE INDEX cases_created_by ON cases(created_by);

CREATE TABLE case_access (
    case_id TEXT NOT NULL REFERENCES cases(id),
    org_code TEXT NOT NULL REFERENCES organisations(code),
    basis TEXT NOT NULL,
    granted_at_ms BIGINT NOT NULL,
    PRIMARY KEY (case_id, org_code)
);
CREATE INDEX case_access_org ON case_access(org_code, case_id);

CREATE TABLE case_events (
    case_id TEXT NOT NULL REFERENCES cases(id),
    seq BIGINT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    actor_user TEXT,
    actor_org TEXT NOT NULL,
    at_ms BIGINT NOT NULL,
    reason BLOB,
    PRIMARY KEY (case_id, seq)
);

CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at_ms BIGINT NOT NULL,
    actor_user TEXT NOT NULL,
    actor_org TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
