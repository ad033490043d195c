-- Training of front-line workers (mnir.md §12). Curricula and vignettes are versions of data a
-- trainer imports, kept as the file was read (its source) and parsed again when needed. The
-- names of participants, trainers and certificate holders are encrypted like every other
-- personal name; what the reports count (organisation, category, city, audience) is not.
CREATE TABLE curricula (
    version TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    module_count BIGINT NOT NULL,
    imported_by TEXT REFERENCES users(id),
    imported_at_ms BIGINT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE vignette_sets (
    version TEXT PRIMARY KEY,
    -- The indicator catalogue the vignettes were checked against, and are scored with.
    catalogue_version TEXT NOT NULL,
    source TEXT NOT NULL,
    vignette_count BIGINT NOT NULL,
    imported_by TEXT REFERENCES users(id),
    imported_at_ms BIGINT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE training_sessions (
    id TEXT PRIMARY KEY,
    held_on TEXT NOT NULL,
    city TEXT NOT NULL,
    county TEXT NOT NULL,
    audience TEXT NOT NULL,
    -- A version imported, or the built-in one (not a row of curricula).
    curriculum_version TEXT NOT NULL,
    -- The trainers' names, one a line, encrypted.
    trainers BLOB,
    -- The module codes covered, comma-separated.
    modules TEXT NOT NULL,
    org_code TEXT NOT NULL REFERENCES organisations(code),
    recorded_by TEXT REFERENCES users(id),
    recorded_at_ms BIGINT NOT NULL
);
-- The list of sessions, newest first, a page at a time.
CREATE INDEX training_sessions_list ON training_sessions(held_on, id);

CREATE TABLE training_participants (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES training_sessions(id),
    -- The participant's account, when they have one.
    user_id TEXT REFERENCES users(id),
    name BLOB NOT NULL,
    -- The participant's organisation in the directory, or the name of one outside it (a school,
    -- an employment agency, an NGO not in the directory).
    org_code TEXT REFERENCES organisations(code),
    org_name TEXT,
    category TEXT NOT NULL,
    attended BOOLEAN NOT NULL,
    -- The module codes this participant followed, comma-separated.
    modules TEXT NOT NULL,
    recorded_by TEXT REFERENCES users(id),
    recorded_at_ms BIGINT NOT NULL
);
CREATE INDEX training_participants_session ON training_participants(session_id, id);
CREATE INDEX training_participants_user ON training_participants(user_id);

CREATE TABLE elearning_attempts (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    vignette_version TEXT NOT NULL,
    vignette_code TEXT NOT NULL,
    -- The indicator codes the trainee marked present, comma-separated.
    present TEXT NOT NULL,
    act BOOLEAN,
    decision TEXT NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    decision_correct BOOLEAN NOT NULL,
    at_ms BIGINT NOT NULL
);
CREATE INDEX elearning_attempts_user ON elearning_attempts(user_id, at_ms);

-- The last certificate number given in each year.
CREATE TABLE certificate_numbers (
    year BIGINT PRIMARY KEY,
    last BIGINT NOT NULL
);

CREATE TABLE certificates (
    id TEXT PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL REFERENCES users(id),
    holder_name BLOB NOT NULL,
    org_code TEXT NOT NULL REFERENCES organisations(code),
    audience TEXT NOT NULL,
    -- The session attended that the course counts.
    participant_id TEXT NOT NULL REFERENCES training_participants(id),
    issued_on TEXT NOT NULL,
    last_valid_day TEXT NOT NULL,
    -- The instant the last valid day ends in the jurisdiction's time zone: whether a
    -- notification was made under a valid certificate is read against it.
    ends_at_ms BIGINT NOT NULL,
    issued_at_ms BIGINT NOT NULL,
    -- The public verification's code (`GET /verify/{code}`).
    verification_code TEXT NOT NULL UNIQUE,
    revoked_at_ms BIGINT,
    revoked_by TEXT REFERENCES users(id),
    revoke_reason BLOB
);
CREATE INDEX certificates_user ON certificates(user_id, issued_at_ms);
CREATE INDEX certificates_list ON certificates(issued_at_ms, id);
