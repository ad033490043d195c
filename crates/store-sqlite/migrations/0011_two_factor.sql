-- Two-factor sign-in (RFC 6238 time-based codes). The shared key is encrypted like any
-- identifying field (table, column and user id as associated data); until the user confirms a
-- first code the row is a pending enrolment (confirmed_at_ms NULL). last_step is the highest
-- 30-second step a code was accepted for, so no code is ever taken twice.
CREATE TABLE two_factor (
    user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    secret BLOB NOT NULL,
    created_at_ms BIGINT NOT NULL,
    confirmed_at_ms BIGINT,
    last_step BIGINT NOT NULL DEFAULT 0
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
