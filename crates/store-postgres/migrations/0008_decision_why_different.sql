-- Why a decision differs from the engine's advice, as the officer typed it, in a column of its
-- own (free text, encrypted): the reasons no longer carry a sentence in the officer's language.
ALTER TABLE identification_decisions ADD COLUMN why_different BYTEA;
