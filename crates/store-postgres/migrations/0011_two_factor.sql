-- Two-factor sign-in (RFC 6238 time-based codes). The shared key is encrypted like any
-- identifying field (table, column and user id as associated data); until the user confirms a
-- first code the row is a pending enrolment (confirmed_at_ms NULL) that belongs to the session
-- that began it (pending_session, the session's hash), so a key seen by someone else's session is
-- never the one confirmed. last_step is the highest 30-second step a code was accepted for, so no
-- code is ever taken twice. failed_codes counts wrong codes since the last right one, whatever the
-- address they came from: only someone holding the password gets to try codes, so it may hold the
-- account back.
CREATE TABLE two_factor (
    user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    secret BYTEA NOT NULL,
    created_at_ms BIGINT NOT NULL,
    confirmed_at_ms BIGINT,
    last_step BIGINT NOT NULL DEFAULT 0,
    pending_session TEXT,
    failed_codes BIGINT NOT NULL DEFAULT 0,
    last_failed_code_ms BIGINT
);

-- Single-use recovery codes, kept only as keyed hashes: a copy of the database without the key
-- file does not let anyone try them offline.
CREATE TABLE recovery_codes (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    PRIMARY KEY (user_id, code_hash)
);

-- A session opened by the password alone waits for its second step ('second_factor') or for
-- the user to enrol ('enrol'); only a 'full' session reaches the pages behind sign-in.
ALTER TABLE sessions ADD COLUMN stage TEXT NOT NULL DEFAULT 'full';
