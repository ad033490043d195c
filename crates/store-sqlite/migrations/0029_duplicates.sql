-- One person notified twice, found without revealing names (mnir.md §13).

-- Each case's matching keys: a keyed hash of its normalised name parts and birth date, and a
-- keyed Bloom-filter encoding of its names' letter pairs. Derived from the names under keys of
-- their own; deleted when the case is erased, left out of backups (rebuilt from the names when
-- one is restored), since the key file would let one test names against them.
CREATE TABLE case_match_keys (
    case_id TEXT PRIMARY KEY REFERENCES cases(id),
    exact TEXT NOT NULL,
    bloom BLOB NOT NULL,
    -- Keyed hashes of the year of birth, when known, and of the years on either side
    -- (space-separated, the year itself second): cases are compared within a year of each other,
    -- and the year is not stored in clear.
    birth_year_key TEXT,
    near_year_keys TEXT
);
CREATE INDEX case_match_exact ON case_match_keys(exact);
CREATE INDEX case_match_year ON case_match_keys(birth_year_key);

-- A pair put to ANITP, the earlier notification first, and what was decided.
CREATE TABLE duplicate_candidates (
    id TEXT PRIMARY KEY,
    earlier_case TEXT NOT NULL REFERENCES cases(id),
    later_case TEXT NOT NULL REFERENCES cases(id),
    -- The Dice coefficient of the encodings, in thousandths.
    score_permille BIGINT NOT NULL,
    -- The same name parts and birth date.
    exact BOOLEAN NOT NULL,
    found_at_ms BIGINT NOT NULL,
    -- A code of domain::duplicates::DuplicateDecision, once decided.
    decision TEXT,
    decided_by TEXT REFERENCES users(id),
    decided_at_ms BIGINT,
    UNIQUE (earlier_case, later_case)
);
CREATE INDEX duplicate_candidates_open ON duplicate_candidates(decision, found_at_ms, id);
CREATE INDEX duplicate_candidates_later ON duplicate_candidates(later_case);
