-- The referral a clock belongs to, as a column instead of a name: a referral's response clock
-- and its compensation deadline were found by their ids (`referral-ID`, `compensation-ID`);
-- the ids stay as they were, the link is now a reference the database checks.
ALTER TABLE clocks ADD COLUMN referral_id TEXT REFERENCES referrals(id);
UPDATE clocks SET referral_id = substr(id, 10) WHERE kind = 'referral_response' AND id LIKE 'referral-%';
UPDATE clocks SET referral_id = substr(id, 14) WHERE kind = 'emergency_compensation' AND id LIKE 'compensation-%';
CREATE INDEX clocks_referral ON clocks(referral_id);
